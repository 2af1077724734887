"""Several consumers on one stream: sharing jobs, and taking over a dead consumer's job."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from agent_gateway_core.ports.execution_queue import ExecutionJob

from .conftest import MakeQueue

pytestmark = pytest.mark.integration

VISIBILITY = 0.5


def job(execution_id: str, **payload: object) -> ExecutionJob:
    return ExecutionJob(
        execution_id=execution_id,
        agent_id="agent-a",
        enqueued_at=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        payload=dict(payload),
    )


async def test_two_consumers_get_different_jobs(make_queue: MakeQueue) -> None:
    first, second = make_queue(), make_queue()
    assert first.consumer_name != second.consumer_name
    await first.enqueue(job("exec-1"))
    await first.enqueue(job("exec-2"))
    one, two = await asyncio.gather(first.receive(2.0), second.receive(2.0))
    assert one is not None
    assert two is not None
    assert {one.job.execution_id, two.job.execution_id} == {"exec-1", "exec-2"}
    assert await first.receive(0.1) is None
    assert await second.receive(0.1) is None


async def test_a_job_round_trips_its_fields(make_queue: MakeQueue) -> None:
    queue = make_queue()
    sent = job("exec-1", message="héllo", nested={"list": [1, 2.5, None, []], "empty": {}})
    await queue.enqueue(sent)
    delivery = await queue.receive(2.0)
    assert delivery is not None
    assert delivery.job == sent


async def test_a_dead_consumers_job_is_taken_over_after_the_visibility_timeout(
    make_queue: MakeQueue,
) -> None:
    dying = make_queue(visibility_timeout_seconds=VISIBILITY)
    survivor = make_queue(visibility_timeout_seconds=VISIBILITY)
    await dying.enqueue(job("exec-1"))
    lost = await dying.receive(2.0)
    assert lost is not None
    await dying.aclose()  # the process dies: its client goes away without an ack

    assert await survivor.receive(0.1) is None  # still within the visibility timeout
    await asyncio.sleep(VISIBILITY * 1.5)
    again = await survivor.receive(2.0)
    assert again is not None
    assert again.job.execution_id == "exec-1"
    assert again.attempt == again.job.attempt == lost.attempt + 1
    await survivor.ack(again)
    assert await survivor.pending_count() == 0


async def test_a_superseded_delivery_neither_extends_nor_acks_the_new_one(
    make_queue: MakeQueue,
) -> None:
    slow = make_queue(visibility_timeout_seconds=VISIBILITY)
    other = make_queue(visibility_timeout_seconds=VISIBILITY)
    await slow.enqueue(job("exec-1"))
    stale = await slow.receive(2.0)
    assert stale is not None
    await asyncio.sleep(VISIBILITY * 1.5)
    current = await other.receive(2.0)
    assert current is not None
    assert current.attempt == 2

    await slow.extend(stale)  # too late: must not take the job back from `other`
    await slow.ack(stale)  # too late: must not remove the job `other` is running
    assert await slow.retry(stale, "late") is False
    assert await slow.pending_count() == 1
    await other.extend(current)
    await other.ack(current)
    assert await other.pending_count() == 0


async def test_a_job_whose_last_attempt_times_out_goes_to_the_dead_letters(
    make_queue: MakeQueue,
) -> None:
    queue = make_queue(max_attempts=1, visibility_timeout_seconds=VISIBILITY)
    await queue.enqueue(job("exec-1"))
    assert await queue.receive(2.0) is not None
    await asyncio.sleep(VISIBILITY * 1.5)
    assert await queue.receive(0.1) is None
    dead = await queue.dead_letters()
    assert [(j.execution_id, j.attempt) for j in dead] == [("exec-1", 1)]
    assert await queue.pending_count() == 0
    await queue.enqueue(job("exec-1"))  # no longer pending: it can be enqueued again
    assert await queue.pending_count() == 1


async def test_a_retried_execution_stays_deduplicated(make_queue: MakeQueue) -> None:
    queue = make_queue()
    await queue.enqueue(job("exec-1"))
    first = await queue.receive(2.0)
    assert first is not None
    assert await queue.retry(first, "boom") is True
    await queue.enqueue(job("exec-1"))
    assert await queue.pending_count() == 1


async def test_jobs_enqueued_before_any_consumer_are_delivered(make_queue: MakeQueue) -> None:
    producer = make_queue()
    await producer.enqueue(job("exec-1"))
    await producer.aclose()
    consumer = make_queue(consumer_group="another-group-created-later")
    delivery = await consumer.receive(2.0)
    assert delivery is not None
    assert delivery.job.execution_id == "exec-1"


async def test_a_released_job_goes_to_another_consumer_at_once(make_queue: MakeQueue) -> None:
    stopping = make_queue(visibility_timeout_seconds=VISIBILITY)
    other = make_queue(visibility_timeout_seconds=VISIBILITY)
    await stopping.enqueue(job("exec-1"))
    taken = await stopping.receive(2.0)
    assert taken is not None
    waiting = asyncio.create_task(other.receive(2.0))
    await asyncio.sleep(0.05)

    await stopping.release(taken)

    again = await asyncio.wait_for(waiting, VISIBILITY / 2)  # no timeout had to pass
    assert again is not None
    assert again.job.execution_id == "exec-1"
    assert again.attempt == again.job.attempt == taken.attempt == 1
    await stopping.ack(taken)  # stale: must not remove the job `other` now holds
    await stopping.release(taken)
    assert await other.pending_count() == 1
    await other.ack(again)
    assert await other.pending_count() == 0
