"""Workers: Runtime.start_worker / stop_worker / aclose, and the QueueWorker consume loop."""

from __future__ import annotations

import asyncio
import logging

import pytest

from agent_gateway_core.background import QueueWorker
from agent_gateway_core.domain.execution import ExecutionStatus, StopReason
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.ports.execution_queue import Delivery, ExecutionJob
from agent_gateway_core.testing import ScriptedReply

pytestmark = pytest.mark.unit

HANG = ScriptedReply(hang=True)
TASK_CANCELLED = "the task running the execution was cancelled"
VISIBILITY_SECONDS = 300.0  # the in-memory queue's default visibility timeout


# ---------------------------------------------------------------- start_worker / stop_worker


async def test_a_worker_needs_a_queue(bg) -> None:
    runtime = bg.runtime()

    assert runtime.queue is None
    with pytest.raises(ConfigError, match="a worker needs a queue"):
        runtime.start_worker()


async def test_a_second_worker_is_refused_while_the_first_runs(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)

    with pytest.raises(ConfigError, match="already running"):
        runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)

    await runtime.stop_worker()
    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)  # fine once stopped
    execution_id = await runtime.submit(bg.request())
    await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)


@pytest.mark.parametrize("with_queue", [False, True], ids=["no-queue", "queue"])
async def test_stop_worker_is_harmless_when_no_worker_runs(bg, with_queue: bool) -> None:
    runtime = bg.runtime(with_queue=with_queue)

    await runtime.stop_worker()
    await runtime.stop_worker()


async def test_a_stopped_worker_consumes_nothing_more(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
    await asyncio.sleep(0.02)  # let it block in receive

    await runtime.stop_worker()
    execution_id = await runtime.submit(bg.request())

    await asyncio.sleep(3 * bg.receive_timeout)
    assert await bg.queue.pending_count() == 1
    assert await bg.status(execution_id) is ExecutionStatus.QUEUED
    assert bg.llm.requests == []


async def test_stopping_the_worker_cancels_its_executions_and_their_jobs_come_back_skipped(
    bg,
) -> None:
    runtime = bg.runtime(with_queue=True)
    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
    bg.llm.push(HANG)
    execution_id = await runtime.submit(bg.request("slow"))
    await bg.wait_for_model_calls(1)

    await runtime.stop_worker()

    record = await bg.record(execution_id)  # ended by the time stop_worker returned
    assert record.status is ExecutionStatus.CANCELLED
    assert record.stop_reason is StopReason.CANCELLED
    assert record.error == TASK_CANCELLED
    assert await bg.queue.pending_count() == 1  # unacknowledged
    bg.clock.advance(VISIBILITY_SECONDS)
    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
    await bg.wait_for_pending(0)  # redelivered, skipped, acknowledged
    assert len(bg.llm.requests) == 1
    assert await bg.record(execution_id) == record
    assert await bg.queue.dead_letters() == []


async def test_the_worker_runs_up_to_concurrency_jobs_at_a_time(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    bg.llm.push(HANG, HANG, HANG)
    ids = [await runtime.submit(bg.request(f"job {n}")) for n in range(3)]

    runtime.start_worker(concurrency=2, receive_timeout_seconds=bg.receive_timeout)

    await bg.wait_for_model_calls(2)
    await asyncio.sleep(3 * bg.receive_timeout)
    assert len(bg.llm.requests) == 2
    assert [await bg.status(i) for i in ids] == [
        ExecutionStatus.RUNNING,
        ExecutionStatus.RUNNING,
        ExecutionStatus.QUEUED,
    ]
    assert await runtime.cancel(ids[0]) is True
    await bg.wait_for_model_calls(3)  # a slot freed: the third job starts
    assert await bg.status(ids[2]) is ExecutionStatus.RUNNING


async def test_start_worker_refuses_a_concurrency_below_one(bg) -> None:
    runtime = bg.runtime(with_queue=True)

    with pytest.raises(ValueError, match="concurrency must be at least 1, got 0"):
        runtime.start_worker(concurrency=0)

    runtime.start_worker(concurrency=1, receive_timeout_seconds=bg.receive_timeout)


async def test_the_worker_outlives_a_queue_outage(bg, caplog) -> None:
    queue = bg.double_queue(receive_failures=2)
    runtime = bg.runtime(queue=queue)
    execution_id = await runtime.submit(bg.request())

    with caplog.at_level(logging.WARNING):
        runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
        await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)

    assert queue.failed_receives == 2
    assert "execution queue unavailable, retrying" in caplog.text
    await bg.wait_for_pending(0)


# ---------------------------------------------------------------- aclose


async def test_aclose_cancels_detached_executions_and_is_idempotent(bg) -> None:
    runtime = bg.runtime()
    bg.llm.push(HANG)
    execution_id = await runtime.submit(bg.request("slow"))
    await bg.wait_for_model_calls(1)

    await runtime.aclose()

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.CANCELLED
    assert record.stop_reason is StopReason.CANCELLED
    assert record.error == TASK_CANCELLED
    assert bg.llm.closed is True
    await runtime.aclose()


async def test_aclose_stops_the_worker_and_its_executions(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
    bg.llm.push(HANG)
    execution_id = await runtime.submit(bg.request("slow"))
    await bg.wait_for_model_calls(1)

    async with asyncio.timeout(2):
        await runtime.aclose()

    assert await bg.status(execution_id) is ExecutionStatus.CANCELLED
    other = bg.runtime(with_queue=True)  # e.g. an API process still accepting jobs
    later = await other.submit(bg.request("after close"))
    await asyncio.sleep(3 * bg.receive_timeout)
    assert await bg.status(later) is ExecutionStatus.QUEUED
    assert len(bg.llm.requests) == 1
    await runtime.aclose()


async def test_leaving_async_with_stops_the_worker_but_leaves_the_queue_open(bg) -> None:
    queue = bg.double_queue()
    runtime = bg.runtime(queue=queue)

    async with runtime:
        runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
        execution_id = await runtime.submit(bg.request())
        await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)

    assert queue.closed is False  # whoever made the queue closes it
    later = await bg.runtime(queue=queue).submit(bg.request())
    await asyncio.sleep(3 * bg.receive_timeout)
    assert await bg.status(later) is ExecutionStatus.QUEUED


async def test_aclose_right_after_submit_does_not_leave_the_execution_queued(bg) -> None:
    runtime = bg.runtime()
    execution_id = await runtime.submit(bg.request())

    await runtime.aclose()

    assert (await bg.status(execution_id)).is_terminal


# ---------------------------------------------------------------- QueueWorker on its own


def job(execution_id: str, bg) -> ExecutionJob:
    return ExecutionJob(execution_id=execution_id, agent_id="helper", enqueued_at=bg.clock.now())


@pytest.mark.parametrize("concurrency", [0, -1])
def test_queue_worker_refuses_a_concurrency_below_one(bg, concurrency: int) -> None:
    async def run_job(delivery: Delivery) -> None:
        pass

    with pytest.raises(ValueError, match=f"concurrency must be at least 1, got {concurrency}"):
        QueueWorker(bg.queue, run_job, concurrency=concurrency)


async def test_queue_worker_limits_jobs_in_flight_and_cancels_them_when_cancelled(bg) -> None:
    started: list[str] = []
    cancelled: list[str] = []
    release = asyncio.Event()

    async def run_job(delivery: Delivery) -> None:
        started.append(delivery.job.execution_id)
        try:
            await release.wait()
        except asyncio.CancelledError:
            cancelled.append(delivery.job.execution_id)
            raise
        await bg.queue.ack(delivery)

    for n in range(3):
        await bg.queue.enqueue(job(f"e{n}", bg))
    worker = QueueWorker(bg.queue, run_job, concurrency=2, receive_timeout_seconds=0.01)
    task = asyncio.create_task(worker.run())
    try:
        await bg.eventually(lambda: len(started) == 2, what="two jobs to start")
        await asyncio.sleep(0.05)
        assert started == ["e0", "e1"]

        release.set()
        await bg.eventually(lambda: len(started) == 3, what="the third job to start")
        await bg.wait_for_pending(0)
        release.clear()
        await bg.queue.enqueue(job("e3", bg))
        await bg.eventually(lambda: len(started) == 4, what="a fourth job to start")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    assert task.cancelled()
    assert cancelled == ["e3"]


async def test_queue_worker_retries_receive_after_an_outage(bg, caplog) -> None:
    queue = bg.double_queue(receive_failures=3)
    seen: list[str] = []

    async def run_job(delivery: Delivery) -> None:
        seen.append(delivery.job.execution_id)
        await queue.ack(delivery)

    await queue.enqueue(job("e1", bg))
    worker = QueueWorker(queue, run_job, concurrency=1, receive_timeout_seconds=0.01)
    with caplog.at_level(logging.WARNING):
        task = asyncio.create_task(worker.run())
        try:
            await bg.eventually(lambda: seen == ["e1"], what="the job after the outage")
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    assert queue.failed_receives == 3
    assert caplog.text.count("execution queue unavailable, retrying") == 3
