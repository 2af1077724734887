"""Lifecycle hooks: order, payloads, and that a failing hook never breaks an execution."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.engine.hooks import HookRegistry
from agent_gateway_core.testing import ScriptedReply, reply, tool_call

pytestmark = pytest.mark.unit

ALL_EVENTS = (
    "agent.invoke.before",
    "llm.call.before",
    "llm.call.after",
    "tool.call.before",
    "tool.call.after",
    "agent.invoke.after",
    "agent.invoke.error",
)


def record_all(hooks: HookRegistry) -> list[tuple[str, dict[str, Any]]]:
    seen: list[tuple[str, dict[str, Any]]] = []
    for event in ALL_EVENTS:

        async def listener(_event: str = event, **payload: Any) -> None:
            seen.append((_event, payload))

        hooks.on(event, listener)
    return seen


async def test_hooks_fire_in_execution_order_with_payloads(harness) -> None:
    seen = record_all(harness.hooks)

    @harness.tools.tool
    def ping(host: str) -> str:
        return "pong"

    harness.llm.push(tool_call("ping", {"host": "db"}), reply("up"))
    result = await harness.run(harness.engine(harness.agent(tools=("ping",))), "is db up?")

    assert [event for event, _ in seen] == [
        "agent.invoke.before",
        "llm.call.before",
        "llm.call.after",
        "tool.call.before",
        "tool.call.after",
        "llm.call.before",
        "llm.call.after",
        "agent.invoke.after",
    ]
    before = seen[0][1]
    assert before["agent_id"] == "helper"
    assert before["message"] == "is db up?"
    assert before["execution_id"] == result.execution_id
    tool_before = seen[3][1]
    assert (tool_before["tool_name"], tool_before["arguments"]) == ("ping", {"host": "db"})
    assert seen[4][1]["result"].output == "pong"
    assert seen[2][1]["model"] == "test/primary"
    assert seen[2][1]["usage"].llm_calls == 1
    assert seen[-1][1]["result"] is result


async def test_failed_execution_emits_the_error_hook(harness) -> None:
    seen = record_all(harness.hooks)
    harness.llm.push(ScriptedReply(status=500, error_message="boom"))

    result = await harness.run(harness.engine())

    assert result.status is ExecutionStatus.FAILED
    events = [event for event, _ in seen]
    assert events[-1] == "agent.invoke.error"
    assert "agent.invoke.after" not in events
    assert seen[-1][1]["error"].startswith("model call failed: service error")
    assert seen[-1][1]["error_code"] == "llm_service_error"
    llm_after = next(payload for event, payload in seen if event == "llm.call.after")
    assert str(llm_after["error"]) == "boom"


async def test_a_raising_hook_is_logged_and_the_run_goes_on(harness, caplog) -> None:
    calls: list[str] = []

    async def broken(**_: Any) -> None:
        raise RuntimeError("hook bug")

    async def after_broken(**_: Any) -> None:
        calls.append("second hook ran")

    harness.hooks.on("agent.invoke.before", broken)
    harness.hooks.on("agent.invoke.before", after_broken)
    harness.hooks.on("tool.call.before", broken)

    @harness.tools.tool
    def ping() -> str:
        return "pong"

    harness.llm.push(tool_call("ping"), reply("fine"))
    with caplog.at_level(logging.WARNING, logger="agent_gateway_core.engine.hooks"):
        result = await harness.run(harness.engine(harness.agent(tools=("ping",))))

    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.raw_text == "fine"
    assert calls == ["second hook ran"]
    messages = [r.getMessage() for r in caplog.records]
    assert any("'agent.invoke.before'" in m and "broken" in m for m in messages)
    assert any("'tool.call.before'" in m for m in messages)


def test_sync_hook_is_rejected_at_registration() -> None:
    def not_async(**_: Any) -> None:
        return None

    with pytest.raises(TypeError, match="must be an async function"):
        HookRegistry().on("agent.invoke.before", not_async)


def test_unknown_event_is_rejected_naming_the_known_ones() -> None:
    async def listener(**_: Any) -> None:
        return None

    with pytest.raises(
        ValueError, match=r"unknown hook event 'agent\.invoked'.*agent\.invoke\.after"
    ):
        HookRegistry().on("agent.invoked", listener)


async def test_emit_without_listeners_does_nothing() -> None:
    hooks = HookRegistry()

    await hooks.emit("agent.invoke.before", agent_id="x")

    assert hooks.has_listeners("agent.invoke.before") is False
