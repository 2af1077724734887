"""Memory end to end over HTTP: two API keys, the model behind the fake OpenAI server (real
HTTP through litellm), MEMORY.md files in the workspace, compaction through its route."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.domain.memory import MemoryScope
from agent_gateway_core.testing import reply, tool_call
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import ClientFor, WriteWorkspace, system_prompt, write_agent

pytestmark = pytest.mark.integration

ALICE = {"Authorization": "Bearer sk-alice"}
BOB = {"Authorization": "Bearer sk-bob"}

MEMORY_YAML = """\
auth:
  api_keys:
    - {name: alice, key: sk-alice, scopes: ["*"]}
    - {name: bob, key: sk-bob, scopes: ["agents:invoke", "agents:read"]}
memory:
  enabled: true
  max_memory_md_lines: 12
  compaction: {max_memories_per_scope: 3, min_age_hours: 0}
"""


@pytest.fixture
def memory_workspace(write_workspace: WriteWorkspace, model_server: FakeOpenAIServer) -> Path:
    root = write_workspace(api_base=model_server.base_url, yaml=MEMORY_YAML)
    write_agent(root, "concierge", memory={"enabled": True})
    write_agent(root, "plain")
    return root


async def invoke(client: httpx.AsyncClient, agent: str, message: str, headers: Any) -> Any:
    response = await client.post(
        f"/v1/agents/{agent}/invoke", json={"message": message}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def offered_tools(server: FakeOpenAIServer, index: int = -1) -> list[str]:
    return [tool["function"]["name"] for tool in server.requests[index].body.get("tools", [])]


async def test_a_users_memory_reaches_their_next_prompt_and_never_another_users(
    memory_workspace: Path, model_server: FakeOpenAIServer, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=memory_workspace)
    model_server.push(
        tool_call("memory_save", {"content": "Prefers green tea, no sugar", "importance": 0.7}),
        reply("Noted: green tea."),
    )
    async with gw, client_for(gw) as client:
        await invoke(client, "concierge", "I only drink green tea without sugar.", ALICE)
        assert {"memory_save", "memory_recall", "memory_forget"} <= set(
            offered_tools(model_server, 0)
        )
        saved = json.loads(model_server.requests[1].body["messages"][-1]["content"])
        assert saved["status"] == "saved"

        await invoke(client, "concierge", "What should I drink this afternoon?", ALICE)
        alices_prompt = system_prompt(model_server)
        assert "<memories>" in alices_prompt
        assert "Prefers green tea, no sugar" in alices_prompt
        assert "not instructions" in alices_prompt

        await invoke(client, "concierge", "What should I drink this afternoon?", BOB)
        assert "green tea" not in system_prompt(model_server)

        # Bob cannot forget Alice's memory, even knowing its id.
        model_server.push(tool_call("memory_forget", {"memory_id": saved["id"]}), reply("ok"))
        await invoke(client, "concierge", "Forget that.", BOB)
        assert json.loads(model_server.requests[-1].body["messages"][-1]["content"]) == {
            "deleted": False
        }
        await invoke(client, "concierge", "Drink?", ALICE)
        assert "Prefers green tea, no sugar" in system_prompt(model_server)

        # An agent without memory is offered no memory tools and gets no memory section.
        await invoke(client, "plain", "What should I drink?", ALICE)
        assert "memory_save" not in offered_tools(model_server)
        assert "<memories>" not in system_prompt(model_server)

    # The user's memories are a markdown file beside the agent's, readable by a person.
    user_files = list((memory_workspace / "agents" / "concierge" / "memory").glob("*.md"))
    assert len(user_files) == 1
    text = user_files[0].read_text(encoding="utf-8")
    assert "## Semantic" in text
    assert "Prefers green tea, no sugar" in text


async def test_memory_md_stays_within_its_line_cap(
    memory_workspace: Path, model_server: FakeOpenAIServer, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=memory_workspace)
    async with gw:
        memory = gw.memory_manager
        assert memory is not None
        agent_wide = MemoryScope(agent_id="concierge")
        for n in range(30):
            await memory.remember(agent_wide, f"Opening hours fact number {n}", importance=0.5)
        kept = await memory.list_all(agent_wide)
    memory_md = memory_workspace / "agents" / "concierge" / "MEMORY.md"
    lines = memory_md.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 12
    assert 0 < len(kept) < 30
    assert "Opening hours fact number 29" in memory_md.read_text(encoding="utf-8")


async def test_compaction_through_its_route_reduces_the_count(
    memory_workspace: Path, model_server: FakeOpenAIServer, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=memory_workspace)
    async with gw, client_for(gw) as client:
        memory = gw.memory_manager
        assert memory is not None
        alice = MemoryScope(agent_id="concierge", user_id="apikey:alice")
        for fact in ("likes tea", "likes green tea", "drinks tea at 4pm", "dislikes coffee"):
            await memory.remember(alice, f"Alice {fact}", importance=0.4)
        summary = '[{"content": "Alice likes green tea at 4pm and dislikes coffee"}]'
        model_server.push(reply(summary))
        forbidden = await client.post("/v1/agents/concierge/memory/compact", headers=BOB)
        assert forbidden.status_code == 403
        response = await client.post("/v1/agents/concierge/memory/compact", headers=ALICE)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["agent_id"] == "concierge"
        assert body["user_compacted"] >= 2
        remaining = await memory.list_all(alice)
        assert len(remaining) < 4
        assert any("dislikes coffee" in r.content for r in remaining)

        unknown = await client.post("/v1/agents/nobody/memory/compact", headers=ALICE)
        assert unknown.status_code == 404


async def test_compaction_without_memory_answers_503(
    write_workspace: WriteWorkspace, model_server: FakeOpenAIServer, client_for: ClientFor
) -> None:
    root = write_workspace(api_base=model_server.base_url)
    gw = Gateway(workspace=root, auth=False)
    async with gw, client_for(gw) as client:
        response = await client.post("/v1/agents/assistant/memory/compact")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "memory_unavailable"
