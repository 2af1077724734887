"""Workspaces written for the existing product (agents-gateway 0.2.13) load, start and serve
unchanged.

The fixtures under ``fixtures/`` were produced with that product installed in a separate
virtualenv (``agents-gateway init``, ``GatewayConfig().model_dump()``) and are checked in as
it wrote them. Each is started as a user would start it, invoked over HTTP, and answered by the
fake OpenAI-compatible server through litellm; the environment only points the model there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.errors import WorkspaceError
from agent_gateway_core.testing import reply, tool_call
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("AGENT_GATEWAY_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGENT_GATEWAY_SERVER__FREEZE_HEAP", "false")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")


@pytest.fixture
async def model(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as server:
        monkeypatch.setenv("AGENT_GATEWAY_MODEL__API_BASE", server.base_url)
        yield server


def copy_fixture(name: str, into: Path) -> Path:
    target = into / name
    shutil.copytree(FIXTURES / name, target)
    return target


async def invoke(gw: Gateway, agent_id: str, message: str) -> httpx.Response:
    async with client(gw) as http:
        return await http.post(f"/v1/agents/{agent_id}/invoke", json={"message": message})


def client(gw: Gateway) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=gw), base_url="http://gateway")


def system_prompt(model: FakeOpenAIServer, index: int = 0) -> str:
    messages = model.requests[index].body["messages"]
    return next(str(m["content"]) for m in messages if m["role"] == "system")


async def test_the_reference_init_scaffold_serves_unchanged(
    model: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_fixture("reference_init", tmp_path)
    monkeypatch.chdir(project)  # as `python app.py` would run it

    async with Gateway(workspace="./workspace") as gw:
        answer = await invoke(gw, "assistant", "Hello!")

    assert answer.status_code == 200, answer.text
    assert answer.json()["raw_text"] == "echo: Hello!"
    assert model.requests[0].body["model"] == "gpt-4o-mini"
    assert model.requests[0].body["temperature"] == 0.1
    # persistence: {enabled: true, backend: sqlite, url: sqlite+aiosqlite:///myproj.db}
    assert (project / "myproj.db").is_file()
    assert "Friendly, concise, and helpful." in system_prompt(model)  # its BEHAVIOR.md


async def test_the_reference_full_default_configuration_serves_unchanged(
    model: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_fixture("reference_defaults", tmp_path)
    monkeypatch.chdir(project)
    # Its default model is gemini/gemini-2.5-flash: point it at the fake OpenAI-style model.
    monkeypatch.setenv("AGENT_GATEWAY_MODEL__DEFAULT", "openai/gpt-4o-mini")

    async with Gateway(workspace="./workspace", auth=False) as gw:
        answer = await invoke(gw, "assistant", "Hello!")

    assert answer.status_code == 200, answer.text
    assert answer.json()["raw_text"] == "echo: Hello!"


async def test_a_workspace_using_the_reference_features_serves_unchanged(
    model: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """version, context:, BEHAVIOR.md (the agent's and the shared one), agents/AGENTS.md, and a
    tool whose handler.py is written as handle(arguments, context)."""
    project = copy_fixture("reference_features", tmp_path)
    monkeypatch.chdir(project)
    model.push(tool_call("lookup-order", {"order_id": "A-1001"}), reply("A-1001 has shipped."))

    async with Gateway(workspace="./workspace") as gw, client(gw) as http:
        answer = await http.post(
            "/v1/agents/support/invoke", json={"message": "Where is order A-1001?"}
        )
        agent = (await http.get("/v1/agents/support")).json()

    assert answer.status_code == 200, answer.text
    assert answer.json()["raw_text"] == "A-1001 has shipped."
    assert agent["version"] == "2.1"
    prompt = system_prompt(model)
    in_order = [
        "You work for Acme Outdoor Gear.",  # agents/AGENTS.md
        "Never reveal internal order notes.",  # agents/BEHAVIOR.md
        "You answer questions about orders.",  # AGENT.md
        "Always quote the order number in your answer.",  # the agent's BEHAVIOR.md
        "Returns are accepted within 30 days of delivery.",  # a context: file
    ]
    positions = [prompt.index(text) for text in in_order]
    assert positions == sorted(positions), prompt
    assert "Tell the customer the status of their order in one sentence." in prompt  # steps:
    tool_message = model.requests[1].body["messages"][-1]
    assert tool_message["role"] == "tool"
    assert '"status": "shipped"' in tool_message["content"]
    assert '"looked_up_for": "support"' in tool_message["content"]  # context.agent_id


@pytest.mark.parametrize(
    ("typo", "suggestion"), [("persistance", "persistence"), ("modle", "model")]
)
async def test_a_misspelt_section_in_a_reference_workspace_is_still_an_error(
    tmp_path: Path, typo: str, suggestion: str
) -> None:
    workspace = copy_fixture("reference_init", tmp_path) / "workspace"
    config = workspace / "gateway.yaml"
    config.write_text(config.read_text().replace(f"\n{suggestion}:", f"\n{typo}:"))

    with pytest.raises(WorkspaceError) as raised:
        await Gateway(workspace=workspace).startup()

    [problem] = raised.value.problems
    assert (problem.path, problem.field) == ("gateway.yaml", typo)
    assert f"did you mean {suggestion!r}?" in problem.message
