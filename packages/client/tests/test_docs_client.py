"""Every ```python block of docs/client.md runs against a real gateway, over real HTTP.

The gateway is the one of ``_served.py`` (its workspace, its fake model scripted per block),
with one more agent, ``classifier``, whose output schema the typed-agents section needs. How a
block runs depends on what it is:

- a program that starts its own event loop (``asyncio.run(...)``) runs as it is written;
- a block defining ``test_*`` functions is a test module: each test is called as pytest would,
  with ``gateway_mock`` a fresh ``MockGateway``;
- an async snippet (top-level ``await``, ``async for``, ``async with``) runs with ``client``, a
  ``GatewayClient`` of the gateway, then again made sync the way the page tells the reader to
  (drop ``async`` and ``await``), with ``client`` a ``GatewayClientSync``;
- a sync snippet runs with ``client``, a ``GatewayClientSync``.

``http://127.0.0.1:8000`` and ``sk-...`` are replaced with the gateway's URL and key, which are
also in ``AGENT_GATEWAY_URL`` and ``AGENT_GATEWAY_API_KEY``; the page's first ``toml`` block is
the profiles file (``AGENT_GATEWAY_CLIENT_CONFIG``). A block that imports ``agents_types``
finds the module the page's ``agents-gateway codegen`` command writes (run here, in-process).

The page steers a block with an HTML comment on the lines right before it, which readers do
not see: ``<!-- not run: reason -->`` skips it (there should be few), ``<!-- model:
reply("Hi") -->`` scripts the gateway's model for it (``reply``, ``tool_call``,
``ScriptedReply``), and ``<!-- excerpt: agents_types.py -->`` marks an excerpt of the generated
module, whose lines must be found in it in order (``...`` skips some). A ```text block right
after a python block is what it prints, exactly.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import io
import os
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent_gateway_client import GatewayClient, GatewayClientSync
from agent_gateway_client.testing import MockGateway
from agent_gateway_core.testing import ScriptedReply, reply, tool_call

from ._served import ALICE, ScriptedModel, ServedGateway, serve, served_model, write_workspace

pytestmark = pytest.mark.integration

PAGE = Path(__file__).resolve().parents[3] / "docs" / "client.md"
README = PAGE.parents[1] / "README.md"
URL_PLACEHOLDER = "http://127.0.0.1:8000"
KEY_PLACEHOLDER = "sk-..."
TYPED_MODULE = "agents_types"
TYPED_INVOKE = re.compile(r"/v1/agents/[^/{}]+/invoke")
COMMENT = re.compile(r"<!--\s*(not run|model|excerpt):\s*(.*?)\s*-->", re.DOTALL)

CLASSIFIER = """\
---
description: Classifies a support ticket.
input_schema:
  type: object
  properties:
    tier: {type: string, enum: [free, pro], description: The customer's plan}
  required: [tier]
output_schema:
  type: object
  properties:
    category: {type: string, enum: [access, billing, bug]}
    urgent: {type: boolean}
    labels: {type: array, items: {type: string}}
  required: [category, urgent]
---
Classify the ticket.
"""

# ---------------------------------------------------------------- the page's blocks


@dataclass(frozen=True)
class Block:
    line: int
    section: str
    code: str
    output: str | None
    steering: dict[str, str]

    @property
    def not_run(self) -> str | None:
        return self.steering.get("not run")

    @property
    def is_program(self) -> bool:
        """Runs as written: it opens its own event loop."""
        return "asyncio.run(" in self.code

    @property
    def is_test_module(self) -> bool:
        return re.search(r"^(async )?def test_", self.code, re.MULTILINE) is not None

    @property
    def is_async(self) -> bool:
        return re.search(r"\b(await|async)\b", self.code) is not None


def fenced(lines: list[str], start: int) -> tuple[str, int]:
    """The text of the fenced block opening at ``lines[start]``, and the line after it."""
    end = start + 1
    while not lines[end].startswith("```"):
        end += 1
    return "".join(line + "\n" for line in lines[start + 1 : end]), end + 1


def page_blocks() -> list[Block]:
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    section = "top"
    steering: dict[str, str] = {}
    comment = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        if comment or line.startswith("<!--"):
            comment += line + "\n"
            if "-->" in line:
                steering.update(dict(COMMENT.findall(comment)))
                comment = ""
            index += 1
            continue
        if line.startswith("#"):
            section = re.sub(r"[^a-z0-9]+", "-", line.lstrip("#").strip().lower()).strip("-")
        if line.startswith("```python"):
            start = index + 1
            code, index = fenced(lines, index)
            after = index
            while after < len(lines) and not lines[after].strip():
                after += 1
            output = None
            if after < len(lines) and lines[after].startswith("```text"):
                output, index = fenced(lines, after)
            blocks.append(Block(start, section, code, output, steering))
            steering = {}
            continue
        if line.strip():
            steering = {}
        index += 1
    return blocks


BLOCKS = page_blocks()


@dataclass(frozen=True)
class Run:
    block: Block
    sync: bool  # the async snippet made sync

    @property
    def id(self) -> str:
        flavour = "sync" if self.sync or not self.block.is_async else "async"
        return f"{self.block.section}-L{self.block.line}-{flavour}"


def runs() -> Iterator[Run]:
    for block in BLOCKS:
        yield Run(block, sync=False)
        derived = block.is_program or block.is_test_module or "excerpt" in block.steering
        if block.is_async and not derived:
            yield Run(block, sync=True)


RUNS = list(runs())

SYNC_WORDS = [
    (r"\basync (with|for|def)\b", r"\1"),
    (r"\bawait ", ""),
    (r"\bGatewayClient\(", "GatewayClientSync("),
    (r"\bAsync(Page|Middleware|Send)\b", r"\1"),
    (r"\baclose\(", "close("),
    (r"\baiter_(lines|bytes|text)\(", r"iter_\1("),
    (r"\b(\w+Agent)\.invoke\(", r"\1.invoke_sync("),  # a typed agent's sync helper
]


def made_sync(code: str) -> str:
    """What a reader writes for ``GatewayClientSync``, as the page says."""
    for pattern, replacement in SYNC_WORDS:
        code = re.sub(pattern, replacement, code)
    return code


# ---------------------------------------------------------------- the gateway


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedGateway]:
    """The client tests' gateway (``_served.py``), with ``classifier`` added."""
    from agent_gateway import Gateway
    from agent_gateway_core.testing import RecordingNotificationBackend

    with pytest.MonkeyPatch.context() as env:
        for name in [n for n in os.environ if n.upper().startswith("AGENT_GATEWAY_")]:
            env.delenv(name)
        with served_model() as (model_server, model):
            root = write_workspace(tmp_path_factory.mktemp("docs"), model_server.base_url)
            (root / "agents" / "classifier").mkdir()
            (root / "agents" / "classifier" / "AGENT.md").write_text(CLASSIFIER, encoding="utf-8")
            slack = RecordingNotificationBackend("slack", failing_targets={"#gone"})
            app = Gateway(workspace=root).use_notifications(slack)
            with serve(app) as url:
                yield ServedGateway(url, root, app, model, model_server, slack)


@pytest.fixture
def page_model(gateway: ServedGateway) -> Iterator[ScriptedModel]:
    gateway.model.clear()
    yield gateway.model
    gateway.model.clear()


@pytest.fixture
def page_environment(
    gateway: ServedGateway, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    monkeypatch.setenv("AGENT_GATEWAY_URL", gateway.url)
    monkeypatch.setenv("AGENT_GATEWAY_API_KEY", ALICE)
    profiles = re.search(r"```toml\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)
    assert profiles is not None
    path = tmp_path / "client.toml"
    path.write_text(placeholders(profiles.group(1), gateway), encoding="utf-8")
    monkeypatch.setenv("AGENT_GATEWAY_CLIENT_CONFIG", str(path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop(TYPED_MODULE, None)


def placeholders(code: str, gateway: ServedGateway) -> str:
    return code.replace(URL_PLACEHOLDER, gateway.url).replace(KEY_PLACEHOLDER, ALICE)


def script_model(model: ScriptedModel, replies: str | None) -> None:
    model.clear()
    if replies:
        names = {"reply": reply, "tool_call": tool_call, "ScriptedReply": ScriptedReply}
        model.push(*eval(f"({replies},)", names))


def run_codegen(gateway: ServedGateway) -> str:
    """Run the page's ``agents-gateway codegen`` command line here; the module it wrote."""
    from typer.testing import CliRunner

    from agent_gateway.cli.app import app

    command = re.search(r"^agents-gateway codegen .*$", PAGE.read_text(encoding="utf-8"), re.M)
    assert command is not None
    arguments = shlex.split(placeholders(command.group(), gateway))[1:]
    result = CliRunner().invoke(app, arguments, env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return Path(f"{TYPED_MODULE}.py").read_text(encoding="utf-8")


def check_excerpt(excerpt: str, module: str) -> None:
    """Each line of ``excerpt`` (but ``...``) is a line of ``module``, in order; a signature
    ending in ``: ...`` (ruff's form of an elided body, the page is formatted) stands for
    the signature line itself."""
    lines = module.splitlines()
    position = 0
    for line in excerpt.splitlines():
        if line.strip() in ("", "..."):
            continue
        wanted = line.removesuffix(" ...") if line.endswith(": ...") else line
        assert wanted in lines[position:], f"not in the generated module (in order): {wanted!r}"
        position = lines.index(wanted, position) + 1


def run_tests(namespace: dict[str, Any]) -> None:
    """Call the block's tests as pytest would, each with a fresh ``gateway_mock``."""
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert tests
    for test in tests:
        assert list(inspect.signature(test).parameters) == ["gateway_mock"]
        outcome = test(MockGateway())
        if inspect.iscoroutine(outcome):
            asyncio.run(outcome)


def execute(run: Run, gateway: ServedGateway) -> str:
    """Run the block; what it printed."""
    block = run.block
    code = placeholders(made_sync(block.code) if run.sync else block.code, gateway)
    if TYPED_MODULE in code:
        run_codegen(gateway)
    filename = f"{PAGE}:{block.line}"
    namespace: dict[str, Any] = {"__name__": "docs_client"}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        if block.is_program:
            exec(compile(code, filename, "exec"), namespace)
        elif block.is_test_module:
            exec(compile(code, filename, "exec"), namespace)
            run_tests(namespace)
        elif block.is_async and not run.sync:
            compiled = compile(code, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)

            async def main() -> None:
                async with GatewayClient() as client:
                    namespace["client"] = client
                    result = eval(compiled, namespace)
                    if asyncio.iscoroutine(result):
                        await result

            asyncio.run(main())
        else:
            with GatewayClientSync() as client:
                namespace["client"] = client
                exec(compile(code, filename, "exec"), namespace)
    return printed.getvalue()


# ---------------------------------------------------------------- the tests


@pytest.mark.usefixtures("page_environment")
@pytest.mark.parametrize("run", RUNS, ids=[run.id for run in RUNS])
def test_the_page_example_runs(
    run: Run, gateway: ServedGateway, page_model: ScriptedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    block = run.block
    if block.not_run:
        pytest.skip(f"not run: {block.not_run}")
    if "excerpt" in block.steering:
        check_excerpt(block.code, run_codegen(gateway))
        return
    script_model(page_model, block.steering.get("model"))
    if "profile=" in block.code:  # the profile alone says where the gateway is
        monkeypatch.delenv("AGENT_GATEWAY_URL")
        monkeypatch.delenv("AGENT_GATEWAY_API_KEY")

    printed = execute(run, gateway)

    if block.output is not None:
        assert printed == block.output


def test_the_page_runs_almost_every_example() -> None:
    not_run = [f"L{block.line}: {block.not_run}" for block in BLOCKS if block.not_run]
    assert len(BLOCKS) >= 30
    assert len(not_run) <= 4, not_run
    assert any(block.is_program for block in BLOCKS)
    assert any(not block.is_async and "GatewayClientSync(" in block.code for block in BLOCKS)


def test_the_readme_section_runs(gateway: ServedGateway, page_model: ScriptedModel) -> None:
    section = README.read_text(encoding="utf-8").split("## Call it from Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    page_model.push(reply("Sunny, 24 °C."))
    source = code.group(1).replace(URL_PLACEHOLDER, gateway.url).replace("demo-key", ALICE)
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(compile(source, str(README), "exec"), {"__name__": "readme"})

    assert printed.getvalue() == "Sunny, 24 °C. 15\n"


def test_the_error_tree_is_the_code_s() -> None:
    import agent_gateway_client
    from agent_gateway_client import _errors

    docstring = _errors.__doc__ or ""
    drawn = docstring.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    code_tree = "\n".join(line.removeprefix("    ") for line in drawn.splitlines())
    page_tree = re.search(r"```text\n(GatewayError .*?)```", PAGE.read_text(encoding="utf-8"), re.S)

    assert page_tree is not None
    assert page_tree.group(1).rstrip("\n") == code_tree.replace("``", "")
    for name in re.findall(r"^(?:\W+ )?(\w+Error)\b", page_tree.group(1), re.MULTILINE):
        assert issubclass(getattr(agent_gateway_client, name), agent_gateway_client.GatewayError)


def test_every_output_shown_follows_its_example() -> None:
    shown = PAGE.read_text(encoding="utf-8").count("```text\n")
    checked = sum(block.output is not None for block in BLOCKS)
    assert shown == checked + 1  # and the error tree


def test_the_list_of_endpoints_is_every_route_of_the_gateway(gateway: ServedGateway) -> None:
    section = PAGE.read_text(encoding="utf-8").split("## Which endpoints the client covers")[1]
    rows = re.findall(r"^\| `([A-Z]+ /\S+)` \| (.+) \|$", section, re.MULTILINE)
    routes = {
        f"{method.upper()} {path}"
        for path, operations in gateway.gateway.openapi()["paths"].items()
        for method in operations
        if not TYPED_INVOKE.fullmatch(path)  # the generic invoke route, typed per agent
    }

    assert {route for route, _ in rows} == routes
    client = GatewayClientSync(gateway.url, api_key=ALICE)
    try:
        for _, methods in rows:
            for method in re.findall(r"`([\w.]+)\(", methods):
                target: Any = client
                for name in method.split("."):
                    target = getattr(target, name)
                assert callable(target), method
    finally:
        client.close()
