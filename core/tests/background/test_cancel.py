"""Runtime.cancel: in this process, through the queue, or recorded at once while still queued."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from agent_gateway_core.background import end_queued
from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.execution import (
    ExecutionRecord,
    ExecutionStatus,
    StopReason,
)
from agent_gateway_core.ports.persistence import ExecutionUpdate
from agent_gateway_core.testing import ScriptedReply, reply

pytestmark = pytest.mark.unit

BEFORE_IT_STARTED = "execution was cancelled before it started"
HANG = ScriptedReply(hang=True)


async def assert_cancelled_before_it_started(bg: Any, execution_id: str) -> None:
    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.CANCELLED
    assert record.stop_reason is StopReason.CANCELLED
    assert record.error == BEFORE_IT_STARTED
    assert record.started_at is None
    assert record.finished_at is not None
    events = await bg.events(execution_id)
    assert [e.type for e in events] == [EventType.QUEUED, EventType.CANCELLED]
    assert events[-1].data == {
        "status": "cancelled",
        "error": BEFORE_IT_STARTED,
        "error_code": "execution_cancelled",
    }


async def store_running(bg: Any, runtime: Any) -> ExecutionRecord:
    """An execution that another process runs: stored ``running``, no task of ours runs it."""
    request = bg.request("elsewhere")
    accepted = await runtime.engine.accept(request)
    running = ExecutionUpdate(status=ExecutionStatus.RUNNING, at=bg.clock.now())
    return await bg.persistence.executions.transition(accepted.execution_id, running)


# ---------------------------------------------------------------- running in this process


async def test_a_detached_execution_running_here_is_cancelled(bg) -> None:
    runtime = bg.runtime()
    bg.llm.push(HANG)
    execution_id = await runtime.submit(bg.request("slow"))
    await bg.wait_for_model_calls(1)

    assert await runtime.cancel(execution_id) is True

    record = await bg.wait_for_status(execution_id, ExecutionStatus.CANCELLED)
    assert record.stop_reason is StopReason.CANCELLED
    assert record.started_at is not None
    assert (await bg.event_types(execution_id))[-1] is EventType.CANCELLED
    assert await runtime.cancel(execution_id) is False  # finished now


async def test_a_job_a_worker_of_this_process_runs_is_cancelled(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
    bg.llm.push(HANG)
    execution_id = await runtime.submit(bg.request("slow"))
    await bg.wait_for_model_calls(1)

    assert await runtime.cancel(execution_id) is True

    record = await bg.wait_for_status(execution_id, ExecutionStatus.CANCELLED)
    assert record.stop_reason is StopReason.CANCELLED
    await bg.wait_for_pending(0)  # acknowledged, not retried
    assert await bg.queue.dead_letters() == []


# ---------------------------------------------------------------- still queued


async def test_a_queued_execution_without_a_queue_is_recorded_cancelled_at_once(bg) -> None:
    runtime = bg.runtime()
    accepted = await runtime.engine.accept(bg.request())  # queued, nothing will start it

    assert await runtime.cancel(accepted.execution_id) is True

    await assert_cancelled_before_it_started(bg, accepted.execution_id)


async def test_a_queued_job_is_cancelled_at_once_and_through_the_queue(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())

    assert await runtime.cancel(execution_id) is True

    await assert_cancelled_before_it_started(bg, execution_id)
    assert await bg.queue.is_cancel_requested(execution_id) is True
    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
    await bg.wait_for_pending(0)  # the queue drops the cancelled job
    await asyncio.sleep(0.05)
    assert bg.llm.requests == []
    await assert_cancelled_before_it_started(bg, execution_id)  # unchanged


async def test_cancelling_twice_reports_the_second_as_nothing_to_do(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())

    assert await runtime.cancel(execution_id) is True
    assert await runtime.cancel(execution_id) is False

    assert await bg.event_types(execution_id) == [EventType.QUEUED, EventType.CANCELLED]


async def test_cancel_right_after_submit_without_a_queue_stops_the_execution(bg) -> None:
    runtime = bg.runtime()
    bg.llm.push(HANG)
    ended = asyncio.Event()

    async def on_end(**_: Any) -> None:
        ended.set()

    runtime.on("agent.invoke.after", on_end)
    runtime.on("agent.invoke.error", on_end)
    execution_id = await runtime.submit(bg.request("slow"))

    assert await runtime.cancel(execution_id) is True

    await asyncio.sleep(0.2)
    assert await bg.status(execution_id) is ExecutionStatus.CANCELLED
    # Either the model was never called, or the call was interrupted and the run ended.
    assert bg.llm.requests == [] or ended.is_set()


# ---------------------------------------------------------------- nothing to cancel


@pytest.mark.parametrize("with_queue", [False, True], ids=["no-queue", "queue"])
async def test_a_finished_execution_is_not_cancelled(bg, with_queue: bool) -> None:
    runtime = bg.runtime(with_queue=with_queue)
    result = await runtime.invoke("helper", "quick")

    assert await runtime.cancel(result.execution_id) is False

    assert await bg.status(result.execution_id) is ExecutionStatus.SUCCEEDED
    assert await bg.queue.is_cancel_requested(result.execution_id) is False


@pytest.mark.parametrize("with_queue", [False, True], ids=["no-queue", "queue"])
async def test_an_unknown_execution_is_not_cancelled(bg, with_queue: bool) -> None:
    runtime = bg.runtime(with_queue=with_queue)

    assert await runtime.cancel("exec-unknown") is False

    assert await bg.queue.is_cancel_requested("exec-unknown") is False


async def test_one_running_in_another_process_is_out_of_reach_without_a_queue(bg) -> None:
    runtime = bg.runtime()
    record = await store_running(bg, runtime)

    assert await runtime.cancel(record.id) is False

    assert await bg.status(record.id) is ExecutionStatus.RUNNING


async def test_one_running_in_another_process_is_reached_through_the_queue(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    record = await store_running(bg, runtime)

    assert await runtime.cancel(record.id) is True

    assert await bg.queue.is_cancel_requested(record.id) is True
    # Only requested: the process running it records the outcome.
    assert await bg.status(record.id) is ExecutionStatus.RUNNING


async def test_a_cancel_through_the_queue_reaches_a_worker_in_another_runtime(bg) -> None:
    # Two runtimes sharing store and queue stand for an API process and a worker process.
    api = bg.runtime(with_queue=True)
    worker = bg.runtime(with_queue=True)
    worker.start_worker(receive_timeout_seconds=bg.receive_timeout)
    bg.llm.push(HANG)
    execution_id = await api.submit(bg.request("slow"))
    await bg.wait_for_model_calls(1)

    assert api.cancel_execution(execution_id) is False  # not running in the API's process
    assert await api.cancel(execution_id) is True

    # The worker polls the queue for cancellations (every 0.5 s by default).
    record = await bg.wait_for_status(execution_id, ExecutionStatus.CANCELLED)
    assert record.stop_reason is StopReason.CANCELLED
    assert record.started_at is not None
    await bg.wait_for_pending(0)


async def test_a_succeeded_background_execution_is_not_cancelled_afterwards(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
    bg.llm.push(reply("ok"))
    execution_id = await runtime.submit(bg.request())
    await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)

    assert await runtime.cancel(execution_id) is False

    assert await bg.queue.is_cancel_requested(execution_id) is False


# ---------------------------------------------------------------- end_queued


async def test_end_queued_ends_a_queued_execution_in_one_write(bg) -> None:
    runtime = bg.runtime()
    accepted = await runtime.engine.accept(bg.request())

    ended = await end_queued(
        bg.persistence.executions,
        bg.clock,
        accepted.execution_id,
        ExecutionStatus.FAILED,
        "could not start",
        "some_code",
    )

    assert ended is True
    record = await bg.record(accepted.execution_id)
    assert (record.status, record.stop_reason, record.error) == (
        ExecutionStatus.FAILED,
        StopReason.ERROR,
        "could not start",
    )
    assert record.finished_at == bg.clock.now()
    events = await bg.events(accepted.execution_id)
    assert [e.type for e in events] == [EventType.QUEUED, EventType.FAILED]
    assert events[-1].data == {
        "status": "failed",
        "error": "could not start",
        "error_code": "some_code",
    }


async def test_end_queued_leaves_an_ended_execution_as_it_is(bg) -> None:
    runtime = bg.runtime()
    result = await runtime.invoke("helper", "quick")
    before = await bg.record(result.execution_id)

    ended = await end_queued(
        bg.persistence.executions,
        bg.clock,
        result.execution_id,
        ExecutionStatus.CANCELLED,
        BEFORE_IT_STARTED,
        "execution_cancelled",
    )

    assert ended is False
    assert await bg.record(result.execution_id) == before
