"""A background run handed back: it stops without an end, ``queued`` again for another run."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.execution import ExecutionResult, ExecutionStatus, StopReason
from agent_gateway_core.engine.execution_engine import ExecutionEngine
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.errors import ExecutionHandedBackError
from agent_gateway_core.ports.persistence import ExecutionUpdate
from agent_gateway_core.testing import ScriptedReply, reply, tool_call

from .conftest import Harness

pytestmark = pytest.mark.unit

CHARGE = tool_call("charge", {"amount": 5})
HANG = ScriptedReply(hang=True)


def paying_engine(harness: Harness, charges: list[int]) -> ExecutionEngine:
    @harness.tools.tool
    def charge(amount: int) -> str:
        charges.append(amount)
        return f"charged {amount}"

    return harness.engine(harness.agent(tools=("charge",)))


async def started_until_its_second_model_call(
    harness: Harness, engine: ExecutionEngine
) -> tuple[ExecutionRequest, asyncio.Task[ExecutionResult]]:
    """A background run of ``use charge``, its tool called, waiting on its second model call."""
    second_call = asyncio.Event()
    calls = 0

    async def on_model_call(**_: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            second_call.set()

    harness.hooks.on("llm.call.before", on_model_call)
    harness.llm.push(CHARGE, HANG)
    accepted = await engine.accept(ExecutionRequest(agent_id="helper", message="use charge"))
    task = asyncio.create_task(engine.run(accepted))
    await asyncio.wait_for(second_call.wait(), timeout=5)
    return accepted, task


async def test_a_handed_back_run_goes_back_to_queued_with_its_events(harness) -> None:
    charges: list[int] = []
    engine = paying_engine(harness, charges)
    accepted, task = await started_until_its_second_model_call(harness, engine)
    execution_id = accepted.execution_id

    harness.cancellations.hand_back_when_started(execution_id)

    with pytest.raises(ExecutionHandedBackError) as caught:
        await task
    assert caught.value.execution_id == execution_id
    record = await harness.persistence.executions.get(execution_id)
    assert record is not None
    assert record.status is ExecutionStatus.QUEUED
    assert record.started_at is not None
    assert (record.finished_at, record.stop_reason, record.error) == (None, None, None)
    events = await harness.persistence.executions.list_events(execution_id)
    assert [e.type for e in events] == [
        EventType.QUEUED,
        EventType.STARTED,
        EventType.MODEL_RESPONSE,
        EventType.TOOL_CALL,
        EventType.TOOL_RESULT,
        EventType.QUEUED,
    ]
    assert events[-1].data["requeued"] is True

    harness.cancellations.forget(execution_id)  # as the worker does once the run is over
    harness.llm.push(CHARGE, reply("paid"))
    result = await engine.run(accepted)  # another worker's run of it

    assert result.status is ExecutionStatus.SUCCEEDED
    assert charges == [5]  # replayed, not repeated


async def test_a_cancel_after_the_hand_back_ends_the_run_cancelled(harness) -> None:
    engine = paying_engine(harness, [])
    accepted, task = await started_until_its_second_model_call(harness, engine)

    harness.cancellations.hand_back_when_started(accepted.execution_id)
    harness.cancellations.cancel(accepted.execution_id)  # before the run could record it

    result = await task
    assert result.status is ExecutionStatus.CANCELLED
    assert result.stop_reason is StopReason.CANCELLED
    record = await harness.persistence.executions.get(accepted.execution_id)
    assert record is not None
    assert record.status is ExecutionStatus.CANCELLED
    types = [e.type for e in await harness.persistence.executions.list_events(record.id)]
    assert types[-1] is EventType.CANCELLED
    assert types.count(EventType.QUEUED) == 1


async def test_a_run_ended_elsewhere_meanwhile_is_not_handed_back(harness) -> None:
    engine = paying_engine(harness, [])
    accepted, task = await started_until_its_second_model_call(harness, engine)
    store = harness.persistence.executions
    # Ended by another instance (its owner looked dead) while the run still went on here.
    update = ExecutionUpdate(status=ExecutionStatus.FAILED, at=datetime.now(UTC), error="elsewhere")
    await store.transition(accepted.execution_id, update)

    harness.cancellations.hand_back_when_started(accepted.execution_id)

    with pytest.raises(ExecutionHandedBackError):
        await task
    record = await store.get(accepted.execution_id)
    assert record is not None
    assert (record.status, record.error) == (ExecutionStatus.FAILED, "elsewhere")
