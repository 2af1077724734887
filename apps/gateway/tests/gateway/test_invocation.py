"""invoke, chat sessions, cancellation, tools and hooks, through litellm to the fake server."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.domain.execution import ExecutionStatus, StopReason
from agent_gateway_core.testing import ScriptedReply, reply, tool_call
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.integration

ClientFor = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
AddAgent = Callable[..., Path]


async def test_invoke_answers_through_the_model_server(
    gateway: Gateway, model_server: FakeOpenAIServer, prompt_of: Callable[..., str]
) -> None:
    model_server.push(reply("Hello from the model.", input_tokens=12, output_tokens=4))
    async with gateway:
        result = await gateway.invoke("assistant", "Say hello")
    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.raw_text == "Hello from the model."
    assert result.stop_reason is StopReason.COMPLETED
    assert (result.usage.input_tokens, result.usage.output_tokens) == (12, 4)
    assert result.duration_ms >= 0
    request = model_server.requests[-1]
    assert request.body["model"] == "gpt-4o-mini"
    assert request.headers["Authorization"] == "Bearer sk-test"
    assert "You are the assistant." in prompt_of(model_server)


async def test_health_and_get_health_are_equivalent(
    gateway: Gateway, client_for: ClientFor
) -> None:
    async with client_for(gateway) as client:
        before = await client.get("/v1/health")
        assert before.status_code == 503
        # Not started: no services to say who the caller is, so the status alone.
        assert before.json() == {"status": "starting"}
        assert (await gateway.health())["status"] == "starting"
        async with gateway:
            response = await client.get("/v1/health")
            assert response.status_code == 200
            assert response.json() == await gateway.health()
            assert response.json()["status"] == "ok"


# ---------------------------------------------------------------- sessions


async def test_chat_keeps_a_session_and_the_session_api_sees_it(
    gateway: Gateway, model_server: FakeOpenAIServer
) -> None:
    async with gateway:
        session_id, first = await gateway.chat("assistant", "My name is Ada.")
        assert re.fullmatch(r"sess_[0-9a-f]{12}", session_id)
        assert first.raw_text == "echo: My name is Ada."
        same_id, _ = await gateway.chat("assistant", "What is my name?", session_id=session_id)
        assert same_id == session_id
        sent = [m["content"] for m in model_server.requests[-1].body["messages"]]
        assert sent[-3:] == ["My name is Ada.", "echo: My name is Ada.", "What is my name?"]

        session = gateway.get_session(session_id)
        assert session is not None
        assert session.agent_id == "assistant"
        assert len(session.messages) == 4
        assert gateway.get_session("sess_000000000000") is None

        assert gateway.delete_session(session_id) is True
        assert gateway.delete_session(session_id) is False
        assert gateway.get_session(session_id) is None


async def test_list_sessions_is_newest_first_filtered_and_capped(
    served_workspace: Path, add_agent: AddAgent
) -> None:
    add_agent(served_workspace, "other")
    async with Gateway(workspace=served_workspace, auth=False) as gw:
        first, _ = await gw.chat("assistant", "one")
        other, _ = await gw.chat("other", "two")
        third, _ = await gw.chat("assistant", "three")
        assert [s.id for s in gw.list_sessions()] == [third, other, first]
        assert [s.id for s in gw.list_sessions("assistant")] == [third, first]
        assert [s.id for s in gw.list_sessions(limit=1)] == [third]
        await gw.chat("assistant", "again", session_id=first)  # updated: now the newest
        assert [s.id for s in gw.list_sessions("assistant")] == [first, third]


# ---------------------------------------------------------------- cancellation


async def test_cancel_execution_stops_a_running_execution(
    write_workspace: Callable[..., Path],
) -> None:
    received = asyncio.Event()

    def slow_answer(body: dict[str, Any]) -> ScriptedReply:
        received.set()  # the request reached the model server: the call is truly in flight
        return ScriptedReply(content="too late", delay_seconds=10)

    execution_ids: list[str] = []
    async with FakeOpenAIServer(responder=slow_answer) as server:
        gw = Gateway(workspace=write_workspace(api_base=server.base_url), auth=False)

        @gw.on("agent.invoke.before")
        async def started(execution_id: str, **kwargs: Any) -> None:
            execution_ids.append(execution_id)

        async with gw:
            running = asyncio.create_task(gw.invoke("assistant", "take your time"))
            await asyncio.wait_for(received.wait(), timeout=10)
            assert await gw.cancel_execution(execution_ids[0]) is True
            result = await asyncio.wait_for(running, timeout=5)
            assert await gw.cancel_execution(execution_ids[0]) is False  # finished now
    assert result.status is ExecutionStatus.CANCELLED
    assert result.stop_reason is StopReason.CANCELLED
    assert result.execution_id == execution_ids[0]


# ---------------------------------------------------------------- tools and hooks


async def test_a_code_tool_is_called_by_the_model_through_invoke(
    served_workspace: Path, model_server: FakeOpenAIServer, add_agent: AddAgent
) -> None:
    add_agent(served_workspace, "librarian", tools=["search-docs"])
    gw = Gateway(workspace=served_workspace, auth=False)
    queries: list[str] = []

    @gw.tool
    async def search_docs(query: str) -> dict[str, Any]:
        """Search the documentation."""
        queries.append(query)
        return {"hits": ["install.md"]}

    model_server.push(
        tool_call("search-docs", {"query": "install"}),
        reply("See install.md."),
    )
    async with gw:
        result = await gw.invoke("librarian", "How do I install it?")
    assert result.raw_text == "See install.md."
    assert queries == ["install"]
    advertised = model_server.requests[0].body["tools"]
    assert [t["function"]["name"] for t in advertised] == ["search-docs"]
    tool_message = model_server.requests[1].body["messages"][-1]
    assert tool_message["role"] == "tool"
    assert "install.md" in tool_message["content"]


async def test_hooks_receive_the_invocation_and_a_failing_hook_is_only_logged(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[tuple[str, str, str]] = []

    @gateway.on("agent.invoke.before")
    async def record(agent_id: str, message: str, execution_id: str, **kwargs: Any) -> None:
        seen.append((agent_id, message, execution_id))

    @gateway.on("agent.invoke.before")
    async def explode(**kwargs: Any) -> None:
        raise RuntimeError("hook exploded")

    async with gateway:
        with caplog.at_level(logging.WARNING):
            result = await gateway.invoke("assistant", "hello hooks")
    assert result.status is ExecutionStatus.SUCCEEDED
    assert seen == [("assistant", "hello hooks", result.execution_id)]
    failures = [r for r in caplog.records if "explode" in r.getMessage()]
    assert failures
    assert failures[0].levelno == logging.WARNING
    assert failures[0].exc_info is not None
    assert "hook exploded" in str(failures[0].exc_info[1])


async def test_an_env_override_of_the_default_model_reaches_the_model_server(
    served_workspace: Path, model_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_MODEL__DEFAULT", "openai/gpt-4.1-nano")
    async with Gateway(workspace=served_workspace, auth=False) as gw:
        result = await gw.invoke("assistant", "which model?")
    assert result.status is ExecutionStatus.SUCCEEDED
    assert model_server.requests[-1].body["model"] == "gpt-4.1-nano"
