"""``agents-gateway codegen``: typed agents written from a gateway over real HTTP; and the help
of the commands that talk to a gateway."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from agent_gateway.cli.app import app
from agent_gateway_client import GatewayClientSync
from agent_gateway_core.testing.scripted_llm import reply

from ._served_gateway import ALICE, ScriptedModel, ServedGateway
from .conftest import RunCli, RunRemote

pytestmark = pytest.mark.integration


@pytest.fixture
def imported(tmp_path: Path) -> Iterator[list[str]]:
    """Names of the modules a test imported, removed from ``sys.modules`` after it."""
    names: list[str] = []
    yield names
    for name in names:
        sys.modules.pop(name, None)


def _import(path: Path, imported: list[str]) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    imported.append(path.stem)
    spec.loader.exec_module(module)
    return module


def test_codegen_writes_a_module_whose_helpers_return_typed_outputs(
    run_remote: RunRemote,
    served_gateway: ServedGateway,
    gateway_model: ScriptedModel,
    tmp_path: Path,
    imported: list[str],
) -> None:
    out = tmp_path / "cli_agents_types.py"

    result = run_remote("codegen", "--out", out)

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == (f"✓ Wrote {out}: 4 agents (assistant, batch, dormant, triage)")
    source = out.read_text(encoding="utf-8")
    assert f"# Agent Gateway 0.1.0 at {served_gateway.url}." in source
    module = _import(out, imported)
    gateway_model.push(reply('{"category": "bug", "urgent": true}'))
    with GatewayClientSync(served_gateway.url, api_key=ALICE) as client:
        output = module.TriageAgent.invoke_sync(
            client, "It crashes", module.TriageInput(tier="pro")
        )
        answer = module.BatchAgent.invoke_sync(client, "Sum it up")
    assert isinstance(output, module.TriageOutput)
    assert (output.category, output.urgent) == ("bug", True)
    assert answer == "echo: Sum it up"  # no output schema: the text, waited for


def test_codegen_of_some_agents_on_stdout(run_remote: RunRemote) -> None:
    result = run_remote("codegen", "--agent", "triage", "-a", "assistant", "-a", "triage")

    assert result.exit_code == 0, result.output
    assert "# Agents: assistant, triage." in result.stdout
    assert "class TriageAgent:" in result.stdout
    assert "class BatchAgent:" not in result.stdout
    compile(result.stdout, "agents_types.py", "exec")


def test_codegen_is_deterministic(run_remote: RunRemote) -> None:
    first = run_remote("codegen")
    second = run_remote("codegen")

    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout


def test_codegen_of_an_unknown_agent_exits_5(run_remote: RunRemote, tmp_path: Path) -> None:
    out = tmp_path / "types.py"

    result = run_remote("codegen", "--agent", "ghost", "--out", out)

    assert result.exit_code == 5
    assert result.stderr.startswith("Error: generate the agent types failed: 404 agent_not_found")
    assert not out.exists()


def test_codegen_into_a_missing_folder_exits_1(run_remote: RunRemote, tmp_path: Path) -> None:
    result = run_remote("codegen", "--out", tmp_path / "missing" / "types.py")

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write {tmp_path / 'missing' / 'types.py'}")


@pytest.mark.parametrize(
    "command",
    [
        ["codegen"],
        ["executions", "list"],
        ["executions", "get"],
        ["executions", "cancel"],
        ["executions", "wait"],
    ],
)
def test_remote_commands_have_help_with_examples_and_exit_codes(
    run_cli: RunCli, command: list[str]
) -> None:
    result = run_cli(*command, "--help")

    assert result.exit_code == 0, result.output
    assert "Examples" in result.stdout
    assert f"agents-gateway {' '.join(command)}" in result.stdout
    assert "--url" in result.stdout


@pytest.mark.parametrize(
    "command", ["invoke", "chat", "agents", "skills", "tools", "schedules", "codegen"]
)
def test_help_lists_the_exit_codes_and_the_remote_options(run_cli: RunCli, command: str) -> None:
    result = run_cli(command, "--help")

    assert result.exit_code == 0, result.output
    assert "Exit codes:" in result.stdout
    assert "3 authentication (401)" in result.stdout
    for option in ("--url", "--profile", "--api-key"):
        assert option in result.stdout


def test_codegen_reads_like_a_command(run_cli: RunCli) -> None:
    result = run_cli("codegen", "--help")

    assert "Usage: agents-gateway codegen [OPTIONS]" in " ".join(result.stdout.split())
    assert "COMMAND" not in result.stdout


def test_the_remote_commands_are_registered() -> None:
    groups = sorted(group.typer_instance.info.name or "" for group in app.registered_groups)

    assert groups == ["codegen", "db", "executions"]


@pytest.mark.parametrize("args", [["executions", "--help"], ["codegen", "--help"], ["--help"]])
def test_help_imports_neither_the_client_nor_httpx(args: list[str]) -> None:
    probe = (
        "import json, sys\n"
        "from agent_gateway.cli.app import main\n"
        "sys.argv = ['agents-gateway', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('agent_gateway_client', 'httpx'))), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60, check=True
    )

    assert "Usage" in done.stdout
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
