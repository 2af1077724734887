"""The engine's main path: answer, tool round trip, what is stored and in which order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.execution import (
    ExecutionKind,
    ExecutionRecord,
    ExecutionStatus,
    StopReason,
)
from agent_gateway_core.domain.messages import Message, Role
from agent_gateway_core.domain.tool import ToolContext
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.errors import AgentNotFoundError
from agent_gateway_core.testing import reply, tool_call

pytestmark = pytest.mark.unit


async def test_simple_answer_is_returned_and_stored(harness) -> None:
    harness.llm.push(reply("Hi there", input_tokens=7, output_tokens=3))
    engine = harness.engine()

    result = await harness.run(engine, "hello", user_id="u1")

    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.raw_text == "Hi there"
    assert result.stop_reason is StopReason.COMPLETED
    assert result.error is None
    assert result.usage.input_tokens == 7
    assert result.usage.output_tokens == 3
    assert result.usage.llm_calls == 1
    record = await harness.persistence.executions.get(result.execution_id)
    assert record is not None
    assert record.status is ExecutionStatus.SUCCEEDED
    assert record.raw_text == "Hi there"
    assert record.user_id == "u1"
    assert record.kind is ExecutionKind.INVOKE
    request = harness.llm.requests[0]
    assert request.model == "test/primary"
    assert [m.role for m in request.messages] == [Role.SYSTEM, Role.USER]
    assert request.messages[0].content == "You are a helpful agent."
    assert request.messages[1].content == "hello"
    assert request.tools == ()


async def test_tool_call_then_answer(harness) -> None:
    received: list[tuple[str, int, ToolContext]] = []

    @harness.tools.tool
    async def lookup_order(order_id: str, quantity: int, context: ToolContext) -> dict[str, object]:
        """Find an order."""
        received.append((order_id, quantity, context))
        return {"order": order_id, "status": "shipped", "quantity": quantity}

    harness.llm.push(
        tool_call("lookup-order", {"order_id": "A7", "quantity": 2}, input_tokens=11),
        reply("Order A7 has shipped.", input_tokens=13, output_tokens=4),
    )
    engine = harness.engine(harness.agent(tools=("lookup-order",)))

    result = await harness.run(engine, "where is A7?", user_id="u1", session_id="sess_x")

    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.raw_text == "Order A7 has shipped."
    assert [(order, qty) for order, qty, _ in received] == [("A7", 2)]
    context = received[0][2]
    assert context.execution_id == result.execution_id
    assert (context.agent_id, context.user_id, context.session_id) == ("helper", "u1", "sess_x")
    # Usage is summed over both model calls and counts the tool call.
    assert result.usage.input_tokens == 24
    assert result.usage.output_tokens == 9
    assert result.usage.llm_calls == 2
    assert result.usage.tool_calls == 1
    # The second model call saw the tool call and its JSON result.
    second = harness.llm.requests[1].messages
    assert [m.role for m in second] == [Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL]
    assert second[2].tool_calls[0].name == "lookup-order"
    tool_message = second[3]
    assert tool_message.tool_call_id == second[2].tool_calls[0].id
    assert tool_message.name == "lookup-order"
    assert tool_message.content == '{"order": "A7", "status": "shipped", "quantity": 2}'
    assert [spec.name for spec in harness.llm.requests[0].tools] == ["lookup-order"]

    events = await harness.persistence.executions.list_events(result.execution_id)
    assert [e.type for e in events] == [
        EventType.STARTED,
        EventType.MODEL_RESPONSE,
        EventType.TOOL_CALL,
        EventType.TOOL_RESULT,
        EventType.MODEL_RESPONSE,
        EventType.COMPLETED,
    ]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[2].data["arguments"] == {"order_id": "A7", "quantity": 2}
    assert events[3].data["success"] is True
    assert events[5].data["usage"]["tool_calls"] == 1


async def test_an_inline_record_is_created_running_then_finished(harness) -> None:
    harness.llm.push(reply("done"))
    engine = harness.engine()

    result = await harness.run(engine, "go", idempotency_key="key-1")

    writes = harness.persistence.executions.writes
    record_writes = [w for w in writes if w[0] != "events"]
    assert record_writes == [
        ("create", ExecutionStatus.RUNNING),
        ("transition", ExecutionStatus.SUCCEEDED),
    ]
    # A plain answer is one batch of events, written with the final transition (one write).
    assert writes[-1] == (
        "events",
        [EventType.STARTED, EventType.MODEL_RESPONSE, EventType.COMPLETED],
    )
    record = await harness.persistence.executions.get(result.execution_id)
    assert record is not None
    assert record.started_at is not None
    assert record.finished_at is not None
    assert record.created_at <= record.started_at <= record.finished_at
    assert record.idempotency_key == "key-1"
    assert record.message == "go"
    assert record.stop_reason is StopReason.COMPLETED
    assert record.usage == result.usage


async def test_record_is_running_before_the_first_model_call(harness) -> None:
    statuses: list[ExecutionStatus | None] = []

    async def check(execution_id: str, **_: object) -> None:
        record = await harness.persistence.executions.get(execution_id)
        statuses.append(record.status if record else None)

    harness.hooks.on("llm.call.before", check)
    await harness.run(harness.engine())

    assert statuses == [ExecutionStatus.RUNNING]


async def test_pre_queued_record_is_only_moved_on(harness) -> None:
    engine = harness.engine()
    request = ExecutionRequest(agent_id="helper", message="later", record_created=True)
    await harness.persistence.executions.create(
        ExecutionRecord(
            id=request.execution_id,
            agent_id="helper",
            status=ExecutionStatus.QUEUED,
            created_at=datetime.now(UTC),
        )
    )

    result = await engine.run(request)

    record = await harness.persistence.executions.get(request.execution_id)
    assert result.status is ExecutionStatus.SUCCEEDED
    assert record is not None
    assert record.status is ExecutionStatus.SUCCEEDED
    assert [w[0] for w in harness.persistence.executions.writes].count("create") == 1


async def test_accept_stores_a_queued_record_that_run_then_moves_on(harness) -> None:
    engine = harness.engine()
    request = ExecutionRequest(
        agent_id="helper", message="later", user_id="u1", session_id="sess_0123456789ab"
    )

    accepted = await engine.accept(request)

    record = await harness.persistence.executions.get(request.execution_id)
    assert record is not None
    assert record.status is ExecutionStatus.QUEUED
    assert (record.user_id, record.session_id) == ("u1", "sess_0123456789ab")
    events = await harness.persistence.executions.list_events(request.execution_id)
    assert [e.type for e in events] == [EventType.QUEUED]
    assert harness.llm.requests == []  # nothing runs until a worker picks it up
    assert accepted.record_created

    result = await engine.run(accepted)

    assert result.status is ExecutionStatus.SUCCEEDED
    events = await harness.persistence.executions.list_events(request.execution_id)
    assert events[0].type is EventType.QUEUED
    assert events[-1].type is EventType.COMPLETED


async def test_accept_refuses_what_could_not_run_and_stores_nothing(harness) -> None:
    engine = harness.engine()
    request = ExecutionRequest(agent_id="nobody", message="later")

    with pytest.raises(AgentNotFoundError):
        await engine.accept(request)

    assert await harness.persistence.executions.get(request.execution_id) is None


async def test_chat_history_goes_between_system_and_user(harness) -> None:
    engine = harness.engine()
    history = (Message.user("first"), Message.assistant("answer one"))

    await harness.run(engine, "second", history=history, kind=ExecutionKind.CHAT)

    contents = [m.content for m in harness.llm.requests[0].messages]
    assert contents[1:] == ["first", "answer one", "second"]
