"""Housekeeping against a real Redis: the dead-letter list is capped, and the consumers of
processes gone for good are deleted from the group (never one with pending entries)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from agent_gateway_core.ports.execution_queue import ExecutionJob
from agent_gateway_redis import RedisStreamsQueue

from .conftest import REDIS_URL, MakeQueue

pytestmark = pytest.mark.integration

IDLE = 0.3  # idle_consumer_seconds of the queues below


def job(execution_id: str) -> ExecutionJob:
    return ExecutionJob(
        execution_id=execution_id, agent_id="agent-a", enqueued_at=datetime(2024, 5, 6, tzinfo=UTC)
    )


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    await client.aclose()


async def consumers(redis: Redis, queue: RedisStreamsQueue) -> dict[str, int]:
    """The group's consumers, by name, with their number of pending entries."""
    group = "ag-workers"
    listed = await redis.xinfo_consumers(queue.keys.stream, group)
    return {entry["name"]: int(entry["pending"]) for entry in listed}


# ------------------------------------------------------------------ dead letters


async def test_retry_keeps_only_the_newest_dead_letters(make_queue: MakeQueue) -> None:
    queue = make_queue(max_attempts=1, dead_letter_max=2)
    for n in range(3):
        await queue.enqueue(job(f"exec-{n}"))
        delivery = await queue.receive(2.0)
        assert delivery is not None
        assert await queue.retry(delivery, "failing") is False

    dead = await queue.dead_letters()
    assert [j.execution_id for j in dead] == ["exec-1", "exec-2"]  # the oldest one went


async def test_a_reclaim_keeps_only_the_newest_dead_letters(make_queue: MakeQueue) -> None:
    queue = make_queue(max_attempts=1, dead_letter_max=2, visibility_timeout_seconds=0.3)
    for n in range(3):
        await queue.enqueue(job(f"exec-{n}"))
    for _ in range(3):
        assert await queue.receive(2.0) is not None
    await asyncio.sleep(0.45)  # each was on its last attempt: their timeouts bury them

    assert await queue.receive(0.1) is None
    dead = await queue.dead_letters()
    assert [j.execution_id for j in dead] == ["exec-1", "exec-2"]
    assert await queue.pending_count() == 0


def test_the_dead_letter_cap_must_be_at_least_one() -> None:
    with pytest.raises(ValueError, match="dead_letter_max must be at least 1, got 0"):
        RedisStreamsQueue(REDIS_URL, dead_letter_max=0)
    with pytest.raises(ValueError, match="idle_consumer_seconds must be positive"):
        RedisStreamsQueue(REDIS_URL, idle_consumer_seconds=0)


# ------------------------------------------------------------------ idle consumers


async def test_idle_consumers_with_nothing_pending_are_deleted(
    make_queue: MakeQueue, redis: Redis
) -> None:
    gone = make_queue(idle_consumer_seconds=IDLE)
    busy = make_queue(idle_consumer_seconds=IDLE)
    await gone.enqueue(job("exec-done"))
    await gone.enqueue(job("exec-running"))
    done = await gone.receive(2.0)
    assert done is not None
    await gone.ack(done)  # its process then goes away with nothing pending
    running = await busy.receive(2.0)
    assert running is not None  # still running: pending in the group, idle all the same
    fresh = make_queue(idle_consumer_seconds=IDLE)
    assert await fresh.delete_idle_consumers() == []  # nobody idle long enough yet
    assert await consumers(redis, gone) == {gone.consumer_name: 0, busy.consumer_name: 1}

    await asyncio.sleep(IDLE * 1.5)
    assert await fresh.delete_idle_consumers() == [gone.consumer_name]

    assert await consumers(redis, gone) == {busy.consumer_name: 1}
    await busy.ack(running)  # its entry is still its own
    assert await busy.pending_count() == 0


async def run_one(queue: RedisStreamsQueue, execution_id: str) -> None:
    """Enqueue a job and have ``queue`` take and ack it: a consumer exists once it read one."""
    await queue.enqueue(job(execution_id))
    delivery = await queue.receive(2.0)
    assert delivery is not None
    await queue.ack(delivery)


async def test_receive_deletes_idle_consumers_on_its_first_call_and_periodically(
    make_queue: MakeQueue, redis: Redis
) -> None:
    first = make_queue(idle_consumer_seconds=IDLE)
    second = make_queue(idle_consumer_seconds=IDLE)
    await run_one(first, "exec-1")
    await run_one(second, "exec-2")
    assert set(await consumers(redis, first)) == {first.consumer_name, second.consumer_name}

    await asyncio.sleep(IDLE * 1.5)  # `second`'s process has gone; `first` keeps receiving
    assert await first.receive(0.05) is None

    assert set(await consumers(redis, first)) == {first.consumer_name}
    # A consumer deleted while it had nothing pending comes back as it reads again (and
    # `first`, idle as far as Redis can tell, may go in its turn: it holds nothing).
    await first.enqueue(job("exec-3"))
    delivery = await second.receive(2.0)
    assert delivery is not None
    assert (await consumers(redis, first))[second.consumer_name] == 1
    await second.ack(delivery)
    assert await second.pending_count() == 0


async def test_a_consumer_never_deletes_itself(make_queue: MakeQueue, redis: Redis) -> None:
    queue = make_queue(idle_consumer_seconds=IDLE)
    await run_one(queue, "exec-1")
    await asyncio.sleep(IDLE * 1.5)

    assert await queue.delete_idle_consumers() == []
    assert set(await consumers(redis, queue)) == {queue.consumer_name}
