"""reload(): atomic swap of the workspace; in-flight executions finish on the old snapshot."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent_gateway import Gateway
from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.errors import WorkspaceError
from agent_gateway_core.testing import ScriptedReply, ScriptedToolCall, reply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.integration

AddAgent = Callable[..., Path]
PromptOf = Callable[..., str]


async def test_reload_is_atomic_for_executions_in_flight(
    served_workspace: Path,
    model_server: FakeOpenAIServer,
    add_agent: AddAgent,
    prompt_of: PromptOf,
) -> None:
    add_agent(served_workspace, "writer", "Old prompt.", tools=["pause"])
    gw = Gateway(workspace=served_workspace, auth=False)

    @gw.tool
    def pause() -> str:
        """Wait a moment."""
        return "paused"

    first_call = asyncio.Event()

    @gw.on("llm.call.before")
    async def calling(**kwargs: Any) -> None:
        first_call.set()

    # The in-flight execution makes two model calls; the reload lands between them.
    model_server.push(
        ScriptedReply(tool_calls=(ScriptedToolCall(name="pause"),), delay_seconds=0.5),
        reply("finished on the old snapshot"),
    )
    async with gw:
        in_flight = asyncio.create_task(gw.invoke("writer", "write"))
        await asyncio.wait_for(first_call.wait(), timeout=10)
        add_agent(served_workspace, "writer", "New prompt.", tools=["pause"])
        add_agent(served_workspace, "newcomer", "You arrived with the reload.")
        await gw.reload()
        assert not in_flight.done()
        assert "newcomer" in gw.agents

        result = await in_flight
        assert result.raw_text == "finished on the old snapshot"
        assert [prompt_of(model_server, i).startswith("Old prompt.") for i in (0, 1)] == [
            True,
            True,
        ]

        after = await gw.invoke("writer", "again")
        assert after.status is ExecutionStatus.SUCCEEDED
        assert prompt_of(model_server).startswith("New prompt.")
        assert (await gw.invoke("newcomer", "hi")).raw_text == "echo: hi"
        assert "You arrived with the reload." in prompt_of(model_server)


async def test_a_broken_workspace_on_reload_raises_and_keeps_serving_the_old_one(
    served_workspace: Path,
    model_server: FakeOpenAIServer,
    add_agent: AddAgent,
    prompt_of: PromptOf,
) -> None:
    async with Gateway(workspace=served_workspace, auth=False) as gw:
        add_agent(served_workspace, "assistant", "Changed, but the workspace is broken.")
        add_agent(served_workspace, "broken", model={"temperature": 9})
        with pytest.raises(WorkspaceError) as caught:
            await gw.reload()
        assert [(p.path, p.field) for p in caught.value.problems] == [
            ("agents/broken/AGENT.md", "model.temperature")
        ]
        assert set(gw.agents) == {"assistant"}
        assert (await gw.invoke("assistant", "still there?")).raw_text == "echo: still there?"
        assert "You are the assistant." in prompt_of(model_server)


async def test_an_agent_with_an_unknown_tool_on_reload_keeps_the_old_workspace(
    served_workspace: Path, add_agent: AddAgent
) -> None:
    async with Gateway(workspace=served_workspace, auth=False) as gw:
        add_agent(served_workspace, "lost", tools=["missing-tool"])
        with pytest.raises(WorkspaceError, match="unknown tool 'missing-tool'"):
            await gw.reload()
        assert set(gw.agents) == {"assistant"}
        assert gw.engine is not None
        assert set(gw.engine.workspace.agents) == {"assistant"}


async def test_reload_true_watches_the_workspace(
    served_workspace: Path, add_agent: AddAgent, caplog: pytest.LogCaptureFixture
) -> None:
    async with Gateway(workspace=served_workspace, auth=False, reload=True) as gw:
        await asyncio.sleep(0.2)  # let the watcher start before the change
        add_agent(served_workspace, "assistant", "Edited on disk.")
        for _ in range(50):
            if gw.agents["assistant"].prompt.startswith("Edited on disk."):
                break
            await asyncio.sleep(0.1)
        assert gw.agents["assistant"].prompt.startswith("Edited on disk.")

        with caplog.at_level(logging.ERROR, logger="agent_gateway"):
            add_agent(served_workspace, "broken", model={"temperature": 9})
            for _ in range(50):
                if "reload failed" in caplog.text:
                    break
                await asyncio.sleep(0.1)
        assert "reload failed, still serving the previous workspace" in caplog.text
        assert "model.temperature" in caplog.text
        assert set(gw.agents) == {"assistant"}


def test_the_file_watcher_ignores_what_the_gateway_writes_itself(tmp_path: Path) -> None:
    from agent_gateway.reloader import WorkspaceReloader

    async def nothing() -> None:
        return None

    watched = WorkspaceReloader(tmp_path, nothing)._is_workspace_file
    ignored = [
        "agents/assistant/MEMORY.md",
        "agents/assistant/memory/alice.md",
        "agents/assistant/.MEMORY.md.lock",
        "agents/assistant/memory/.alice.md.tmp",
        ".agent-gateway/gateway.db",
    ]
    kept = [
        "agents/assistant/AGENT.md",
        "agents/assistant/BEHAVIOR.md",
        "skills/lookup/SKILL.md",
        "tools/stock/handler.py",
        "gateway.yaml",
        "MEMORY.md",  # not an agent's memory: a workspace file like any other
    ]
    assert [p for p in ignored if watched(None, str(tmp_path / p))] == []
    assert [p for p in kept if watched(None, str(tmp_path / p))] == kept
