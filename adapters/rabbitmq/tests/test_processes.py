"""Several RabbitMQQueue objects on one broker queue behave as several worker processes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import aio_pika
import pytest

from agent_gateway_core.ports.execution_queue import ExecutionJob

from .conftest import RABBITMQ_URL, MakeQueue

pytestmark = pytest.mark.integration


def job(execution_id: str) -> ExecutionJob:
    return ExecutionJob(
        execution_id=execution_id, agent_id="agent-a", enqueued_at=datetime(2024, 1, 1, tzinfo=UTC)
    )


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 2.0) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "the condition never became true"
        await asyncio.sleep(0.02)


async def test_two_consumers_get_different_jobs(make_queue: MakeQueue) -> None:
    producer, first, second = await make_queue(), await make_queue(), await make_queue()
    for index in range(4):
        await producer.enqueue(job(f"exec-{index}"))
    deliveries = await asyncio.gather(*(c.receive(2.0) for c in (first, second, first, second)))
    ids = [d.job.execution_id for d in deliveries if d is not None]
    assert sorted(ids) == [f"exec-{index}" for index in range(4)]
    assert await first.receive(0.1) is None
    assert await second.receive(0.1) is None


async def test_a_job_whose_consumer_goes_away_unacked_is_delivered_to_another(
    make_queue: MakeQueue,
) -> None:
    dying, survivor = await make_queue(), await make_queue()
    await dying.enqueue(job("exec-orphan"))
    taken = await dying.receive(2.0)
    assert taken is not None
    assert taken.attempt == 1
    assert await survivor.receive(0.1) is None  # invisible while its consumer lives
    await dying.aclose()  # its connection closes without an ack
    again = await survivor.receive(3.0)
    assert again is not None
    assert again.job.execution_id == "exec-orphan"
    assert again.attempt == again.job.attempt == 2


async def test_a_job_whose_consumers_keep_going_away_ends_in_the_dead_letters(
    make_queue: MakeQueue,
) -> None:
    dying, survivor = await make_queue(max_attempts=1), await make_queue(max_attempts=1)
    await dying.enqueue(job("exec-poison"))
    assert await dying.receive(2.0) is not None
    await dying.aclose()
    assert await survivor.receive(0.5) is None
    assert [j.execution_id for j in await survivor.dead_letters()] == ["exec-poison"]
    assert await survivor.pending_count() == 0


async def test_a_cancel_requested_in_one_process_is_seen_by_another(
    make_queue: MakeQueue,
) -> None:
    api, worker = await make_queue(), await make_queue()
    await api.enqueue(job("exec-cancelled"))
    await api.enqueue(job("exec-kept"))
    await api.request_cancel("exec-cancelled")

    async def worker_sees_it() -> bool:
        return await worker.is_cancel_requested("exec-cancelled")

    await eventually(worker_sees_it)
    assert await worker.is_cancel_requested("exec-other") is False
    delivery = await worker.receive(2.0)
    assert delivery is not None
    assert delivery.job.execution_id == "exec-kept"


async def test_a_job_acked_elsewhere_can_be_enqueued_again_by_its_producer(
    make_queue: MakeQueue,
) -> None:
    api, worker = await make_queue(), await make_queue()
    await api.enqueue(job("exec-again"))
    delivery = await worker.receive(2.0)
    assert delivery is not None
    await worker.ack(delivery)

    async def enqueued_again() -> bool:
        await api.enqueue(job("exec-again"))
        return await api.pending_count() == 1

    await eventually(enqueued_again)


async def test_a_job_enqueued_elsewhere_wakes_a_waiting_receiver_at_once(
    make_queue: MakeQueue,
) -> None:
    api, worker = await make_queue(), await make_queue(poll_interval_seconds=30.0)
    waiting = asyncio.create_task(worker.receive(10.0))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await api.enqueue(job("exec-prompt"))
    delivery = await asyncio.wait_for(waiting, 5.0)
    assert delivery is not None
    assert time.monotonic() - started < 2.0


async def test_jobs_are_persistent_json_messages_on_a_durable_queue(
    make_queue: MakeQueue,
) -> None:
    queue = await make_queue()
    await queue.enqueue(job("exec-durable"))
    connection = await aio_pika.connect(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue.queue_name, passive=True)
        message = await declared.get(timeout=2.0)
        assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
        assert message.content_type == "application/json"
        assert message.headers["attempt"] == 1
        await message.nack(requeue=True)
    delivery = await queue.receive(2.0)
    assert delivery is not None
    assert delivery.job.execution_id == "exec-durable"


async def test_a_message_that_is_not_a_job_goes_to_the_dead_letters(
    make_queue: MakeQueue,
) -> None:
    queue = await make_queue()
    connection = await aio_pika.connect(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        await channel.default_exchange.publish(
            aio_pika.Message(b"not json"), routing_key=queue.queue_name
        )
    await queue.enqueue(job("exec-after"))
    delivery = await queue.receive(2.0)
    assert delivery is not None
    assert delivery.job.execution_id == "exec-after"
    assert await queue.dead_letters() == []  # listed jobs only; the foreign message is kept


async def test_a_released_job_goes_to_another_consumer_at_once_on_the_same_attempt(
    make_queue: MakeQueue,
) -> None:
    stopping, other = await make_queue(), await make_queue()
    await stopping.enqueue(job("exec-released"))
    taken = await stopping.receive(2.0)
    assert taken is not None
    waiting = asyncio.create_task(other.receive(2.0))
    await asyncio.sleep(0.05)

    await stopping.release(taken)

    again = await asyncio.wait_for(waiting, 1.0)
    assert again is not None
    assert again.job.execution_id == "exec-released"
    assert again.attempt == again.job.attempt == taken.attempt == 1
    await stopping.release(taken)  # stale: changes nothing
    await stopping.ack(taken)
    assert await other.pending_count() == 1  # the one `other` holds
    await other.ack(again)
    assert await other.pending_count() == 0
