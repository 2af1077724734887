"""Background executions while the store is away: ends nothing else would record are retried
until the store is back, and a job whose run ended is acknowledged even so."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.execution_queue import ExecutionJob
from agent_gateway_core.testing import InMemoryExecutionQueue, reply

pytestmark = pytest.mark.unit


def unplug_after_model(bg: Any, runtime: Any) -> None:
    """The store goes down as the model answers: the run ends with the store away."""

    async def unplug(**_: Any) -> None:
        bg.persistence.available = False

    runtime.on("llm.call.after", unplug)


async def back_and_settled(bg: Any, runtime: Any) -> None:
    """Bring the store back, move time on until no end waits for it."""
    bg.persistence.available = True
    for _ in range(50):
        if not runtime.pending_final_writes:
            return
        bg.clock.advance(5.0)
        await asyncio.sleep(0.001)
    pytest.fail(f"ends still pending: {runtime.pending_final_writes}")


async def test_a_detached_run_whose_end_is_pending_ends_once_the_store_is_back(
    bg, caplog: pytest.LogCaptureFixture
) -> None:
    runtime = bg.runtime()
    unplug_after_model(bg, runtime)
    bg.llm.push(reply("done in the background"))

    with caplog.at_level(logging.WARNING):
        execution_id = await runtime.submit(bg.request())
        await bg.eventually(lambda: runtime.pending_final_writes == [execution_id])
    await back_and_settled(bg, runtime)

    record = await bg.record(execution_id)
    assert (record.status, record.raw_text) == (ExecutionStatus.SUCCEEDED, "done in the background")
    assert await bg.event_types(execution_id) == [
        EventType.QUEUED,
        EventType.STARTED,
        EventType.MODEL_RESPONSE,
        EventType.COMPLETED,
    ]
    assert "Traceback" not in caplog.text  # an outage, not a bug
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_worker_acknowledges_a_job_whose_end_is_pending(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    unplug_after_model(bg, runtime)
    bg.llm.push(reply("ran"))
    execution_id = await runtime.submit(bg.request())
    delivery = await bg.receive()

    await runtime.run_job(delivery)

    assert runtime.pending_final_writes == [execution_id]
    assert await bg.queue.pending_count() == 0  # not run again: it ran
    await back_and_settled(bg, runtime)
    assert await bg.status(execution_id) is ExecutionStatus.SUCCEEDED
    assert len(bg.llm.requests) == 1


async def test_a_job_the_queue_refuses_while_the_store_is_away_still_ends_failed(bg) -> None:
    class RefusingQueue(InMemoryExecutionQueue):
        async def enqueue(self, job: ExecutionJob) -> None:
            bg.persistence.available = False  # both down at once
            raise BackendUnavailableError("test queue is unavailable (enqueue refused)")

    runtime = bg.runtime(queue=RefusingQueue(clock=bg.clock))
    request = bg.request()

    with pytest.raises(BackendUnavailableError, match="enqueue refused"):
        await runtime.submit(request)  # the queue's error, not the store's

    assert runtime.pending_final_writes == [request.execution_id]
    await back_and_settled(bg, runtime)
    record = await bg.record(request.execution_id)
    assert record.status is ExecutionStatus.FAILED  # not left queued with no job
    assert record.error is not None
    assert "enqueue refused" in record.error


async def test_closing_with_a_detached_run_not_started_records_it_cancelled_after_the_outage(
    bg,
) -> None:
    runtime = bg.runtime()
    execution_id = await runtime.submit(bg.request())
    bg.persistence.available = False

    closing = asyncio.create_task(runtime.aclose())  # cancels the run before its first step
    await bg.eventually(lambda: bg.clock.sleepers > 0, what="the drain to back off")
    bg.persistence.available = True
    bg.clock.advance(0.1)
    await closing

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.CANCELLED
    assert not bg.llm.requests
