"""A queue worker keeps a long run's delivery from being handed to another consumer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from agent_gateway_core.background.worker import QueueWorker
from agent_gateway_core.in_memory import InMemoryExecutionQueue
from agent_gateway_core.ports.execution_queue import Delivery, ExecutionJob

pytestmark = pytest.mark.unit


async def test_a_run_longer_than_the_visibility_timeout_is_not_delivered_twice() -> None:
    queue = InMemoryExecutionQueue(visibility_timeout_seconds=0.2, max_attempts=3)
    await queue.enqueue(
        ExecutionJob(execution_id="e1", agent_id="a", enqueued_at=datetime.now(UTC))
    )
    runs: list[int] = []

    async def run_job(delivery: Delivery) -> None:
        runs.append(delivery.attempt)
        await asyncio.sleep(0.7)  # 3.5 visibility timeouts
        await queue.ack(delivery)

    workers = [
        asyncio.create_task(QueueWorker(queue, run_job, receive_timeout_seconds=0.05).run())
        for _ in range(2)
    ]
    await asyncio.sleep(1.0)
    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers, return_exceptions=True)

    assert runs == [1]
    assert await queue.pending_count() == 0


async def test_stop_receiving_lets_running_jobs_finish_and_takes_no_new_one() -> None:
    queue = InMemoryExecutionQueue(visibility_timeout_seconds=5, max_attempts=3)
    for name in ("e1", "e2"):
        await queue.enqueue(
            ExecutionJob(execution_id=name, agent_id="a", enqueued_at=datetime.now(UTC))
        )
    finished: list[str] = []

    async def run_job(delivery: Delivery) -> None:
        await asyncio.sleep(0.3)
        finished.append(delivery.job.execution_id)
        await queue.ack(delivery)

    worker = QueueWorker(queue, run_job, concurrency=1, receive_timeout_seconds=0.05)
    running = asyncio.create_task(worker.run())
    await asyncio.sleep(0.1)  # e1 is running
    worker.stop_receiving()
    await asyncio.wait_for(running, timeout=2)

    assert finished == ["e1"]  # finished, not cancelled; e2 was never taken
    assert await queue.pending_count() == 1


def test_a_job_survives_its_json_as_brokers_carry_it() -> None:
    job = ExecutionJob(
        execution_id="e1",
        agent_id="a",
        enqueued_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        attempt=2,
        payload={"options": {"timeout_ms": 5000}},
    )

    assert ExecutionJob.from_json(job.to_json()) == job
    assert ExecutionJob.from_json(job.to_json().encode()) == job
    with pytest.raises(ValueError, match="not an execution job"):
        ExecutionJob.from_json(b'{"execution_id": "e1"}')
    with pytest.raises(ValueError, match="not JSON-serialisable"):
        ExecutionJob(
            execution_id="e2", agent_id="a", enqueued_at=job.enqueued_at, payload={"x": object()}
        ).to_json()
