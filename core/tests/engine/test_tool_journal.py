"""The tool-call journal: a re-run of a background execution replays completed tool calls."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from datetime import UTC, datetime

import pytest

from agent_gateway_core.domain.events import EventType, ExecutionEvent, NewEvent
from agent_gateway_core.domain.messages import Role
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.engine.tool_journal import journal_key
from agent_gateway_core.testing import ScriptedReply, reply, tool_call

from .conftest import Harness, RecordingPersistence

pytestmark = pytest.mark.unit

CHARGE_ARGS = {"amount": 5, "currency": "EUR"}
CHARGE = tool_call("charge", CHARGE_ARGS)
HANG = ScriptedReply(hang=True)


def register_charge(harness: Harness, *, idempotent: bool = False) -> list[int]:
    """A tool with a side effect: every call appends its amount to the returned list."""
    charges: list[int] = []

    @harness.tools.tool(idempotent=idempotent)
    def charge(amount: int, currency: str) -> str:
        charges.append(amount)
        return f"charged {amount} {currency}"

    return charges


def request_for(tool: str) -> ExecutionRequest:
    return ExecutionRequest(agent_id="helper", message=f"use {tool}")


def engine_for(harness: Harness, request: ExecutionRequest):  # type: ignore[no-untyped-def]
    return harness.engine(harness.agent(tools=(request.message.removeprefix("use "),)))


async def crashed_attempt(harness: Harness, request: ExecutionRequest, model_calls: int) -> None:
    """Run ``request`` in the background until its ``model_calls``-th model call (which must
    hang), then lose the worker: only the events stored by then survive, and the execution is
    handed back ``queued`` (as recovery does) in a fresh store holding them."""
    hung = asyncio.Event()
    seen = 0

    async def on_model_call(**_: object) -> None:
        nonlocal seen
        seen += 1
        if seen == model_calls:
            hung.set()

    harness.hooks.on("llm.call.before", on_model_call)
    engine = engine_for(harness, request)
    accepted = await engine.accept(request)
    task = asyncio.create_task(engine.run(accepted))
    await asyncio.wait_for(hung.wait(), timeout=5)
    survived = await harness.persistence.executions.list_events(request.execution_id)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    harness.persistence = RecordingPersistence()
    await engine_for(harness, request).accept(request)  # the record and its first `queued` event
    await harness.persistence.executions.append_events(
        request.execution_id,
        [
            *(NewEvent(type=e.type, at=e.at, data=e.data) for e in survived[1:]),
            NewEvent(type=EventType.QUEUED, at=datetime.now(UTC), data={"requeued": True}),
        ],
    )
    harness.llm.requests.clear()


async def rerun(harness: Harness, request: ExecutionRequest) -> list[ExecutionEvent]:
    """Run the handed-back execution again; returns the events of this attempt."""
    store = harness.persistence.executions
    before = len(await store.list_events(request.execution_id))
    await engine_for(harness, request).run(dataclasses.replace(request, record_created=True))
    return (await store.list_events(request.execution_id))[before:]


def tool_messages(harness: Harness, request_index: int) -> list[str]:
    messages = harness.llm.requests[request_index].messages
    return [m.content or "" for m in messages if m.role is Role.TOOL]


def results(events: list[ExecutionEvent]) -> list[dict[str, object]]:
    return [e.data for e in events if e.type is EventType.TOOL_RESULT]


async def test_a_rerun_replays_a_completed_call_instead_of_repeating_it(harness) -> None:
    charges = register_charge(harness)
    request = request_for("charge")
    harness.llm.push(CHARGE, HANG)
    await crashed_attempt(harness, request, model_calls=2)
    assert charges == [5]

    harness.llm.push(CHARGE, reply("paid"))
    events = await rerun(harness, request)

    assert charges == [5]  # the side effect happened once
    assert tool_messages(harness, 1) == ["charged 5 EUR"]  # the same result as the first time
    key = journal_key("charge", {"currency": "EUR", "amount": 5}, 0)
    [call] = [e.data for e in events if e.type is EventType.TOOL_CALL]
    assert call["key"] == key
    [result] = results(events)
    assert result["key"] == key
    assert result["replayed"] is True
    assert result["success"] is True
    assert result["output"] == "charged 5 EUR"
    assert events[-1].type is EventType.COMPLETED


async def test_the_key_is_recorded_before_the_handler_runs(harness) -> None:
    register_charge(harness)
    request = request_for("charge")
    harness.llm.push(CHARGE, HANG)

    await crashed_attempt(harness, request, model_calls=2)

    events = await harness.persistence.executions.list_events(request.execution_id)
    call, result = [e for e in events if e.type in (EventType.TOOL_CALL, EventType.TOOL_RESULT)]
    assert call.seq < result.seq
    assert call.data["key"] == result.data["key"] == journal_key("charge", CHARGE_ARGS, 0)
    assert "replayed" not in result.data


async def test_the_call_is_stored_while_its_handler_runs(harness) -> None:
    request = request_for("peek")
    stored_while_running: list[list[str]] = []

    @harness.tools.tool
    async def peek() -> str:
        events = await harness.persistence.executions.list_events(request.execution_id)
        stored_while_running.append(
            [e.data.get("key", "") for e in events if e.type is EventType.TOOL_CALL]
        )
        return "seen"

    harness.llm.push(tool_call("peek", {}), reply("done"))
    await engine_for(harness, request).run(request)

    assert stored_while_running == [[journal_key("peek", {}, 0)]]


async def test_an_idempotent_tool_is_called_again(harness) -> None:
    charges = register_charge(harness, idempotent=True)
    request = request_for("charge")
    harness.llm.push(CHARGE, HANG)
    await crashed_attempt(harness, request, model_calls=2)

    harness.llm.push(CHARGE, reply("paid"))
    events = await rerun(harness, request)

    assert charges == [5, 5]
    [result] = results(events)
    assert "replayed" not in result


async def test_a_failed_earlier_result_is_not_replayed(harness) -> None:
    calls: list[str] = []

    @harness.tools.tool
    def flaky(order: str) -> str:
        calls.append(order)
        if len(calls) == 1:
            raise RuntimeError("gateway timeout")
        return f"shipped {order}"

    request = request_for("flaky")
    harness.llm.push(tool_call("flaky", {"order": "A7"}), HANG)
    await crashed_attempt(harness, request, model_calls=2)

    harness.llm.push(tool_call("flaky", {"order": "A7"}), reply("shipped"))
    events = await rerun(harness, request)

    assert calls == ["A7", "A7"]
    [result] = results(events)
    assert result["success"] is True
    assert "replayed" not in result
    assert tool_messages(harness, 1) == ["shipped A7"]


async def test_the_same_call_twice_in_one_run_runs_twice(harness) -> None:
    charges = register_charge(harness)
    request = request_for("charge")
    harness.llm.push(CHARGE, CHARGE, reply("paid twice"))

    await engine_for(harness, request).run(request)

    assert charges == [5, 5]
    events = await harness.persistence.executions.list_events(request.execution_id)
    assert [r["key"] for r in results(events)] == [
        journal_key("charge", CHARGE_ARGS, 0),
        journal_key("charge", CHARGE_ARGS, 1),
    ]


async def test_a_rerun_replays_only_the_occurrences_completed_before(harness) -> None:
    charges = register_charge(harness)
    request = request_for("charge")
    harness.llm.push(CHARGE, HANG)
    await crashed_attempt(harness, request, model_calls=2)

    harness.llm.push(CHARGE, CHARGE, reply("paid twice"))
    events = await rerun(harness, request)

    assert charges == [5, 5]  # the first occurrence replayed, the second one new
    assert [r.get("replayed", False) for r in results(events)] == [True, False]


async def test_an_inline_run_does_not_read_the_event_log(harness) -> None:
    register_charge(harness)
    request = request_for("charge")
    harness.llm.push(CHARGE, reply("paid"))

    await engine_for(harness, request).run(request)

    assert harness.persistence.executions.event_reads == []
