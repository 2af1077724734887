"""Cancellation across queue objects: heard over pub/sub, or read from the key."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from agent_gateway_core.ports.execution_queue import ExecutionJob

from .conftest import REDIS_URL, MakeQueue

pytestmark = pytest.mark.integration


async def test_a_cancel_from_another_instance_is_heard_over_pub_sub(
    make_queue: MakeQueue,
) -> None:
    api, worker = make_queue(), make_queue()
    assert await worker.listen_for_cancels()
    await api.request_cancel("exec-1")
    # Without the key, only what the worker heard over pub/sub can answer yes.
    client = Redis.from_url(REDIS_URL)
    try:
        await client.delete(api.keys.cancel("exec-1"))
    finally:
        await client.aclose()
    deadline = time.monotonic() + 1.0
    while not await worker.is_cancel_requested("exec-1"):
        assert time.monotonic() < deadline, "the worker never heard the cancellation"
        await asyncio.sleep(0.01)
    assert await worker.is_cancel_requested("exec-other") is False


async def test_a_cancel_the_subscriber_missed_is_read_from_the_key(
    make_queue: MakeQueue,
) -> None:
    api = make_queue()
    await api.request_cancel("exec-1")  # before the worker exists: no one heard it
    worker = make_queue()
    assert await worker.is_cancel_requested("exec-1") is True
    assert await worker.is_cancel_requested("exec-other") is False


async def test_a_job_cancelled_from_another_instance_is_skipped(make_queue: MakeQueue) -> None:
    api, worker = make_queue(), make_queue()
    for execution_id in ("exec-cancelled", "exec-kept"):
        await api.enqueue(
            ExecutionJob(execution_id=execution_id, agent_id="a", enqueued_at=datetime.now(UTC))
        )
    await api.request_cancel("exec-cancelled")
    delivery = await worker.receive(2.0)
    assert delivery is not None
    assert delivery.job.execution_id == "exec-kept"
    assert await worker.pending_count() == 1


async def test_the_cancel_key_expires_with_the_ttl(make_queue: MakeQueue) -> None:
    queue = make_queue(cancel_ttl_seconds=5.0)
    await queue.request_cancel("exec-1")
    client = Redis.from_url(REDIS_URL)
    try:
        ttl_ms = await client.pttl(queue.keys.cancel("exec-1"))
    finally:
        await client.aclose()
    assert 4000 < ttl_ms <= 5000
