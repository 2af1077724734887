"""Fixtures: RedisStreamsQueues on unique keys of a test database, deleted afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from agent_gateway_redis import RedisStreamsQueue

# A database of its own keeps these tests out of the way of anything else on the server.
REDIS_URL = os.environ.get("AGENT_GATEWAY_TEST_REDIS_URL", "redis://127.0.0.1:6379/12")

MakeQueue = Callable[..., RedisStreamsQueue]


@pytest.fixture
def key_prefix() -> str:
    return f"agw-test:{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def make_queue(key_prefix: str) -> AsyncIterator[MakeQueue]:
    """Queues on one stream (``key_prefix``:stream) unless told otherwise; every one is
    closed, and every key under the prefix deleted, after the test."""
    made: list[RedisStreamsQueue] = []

    def make(**options: Any) -> RedisStreamsQueue:
        options.setdefault("url", REDIS_URL)
        options.setdefault("stream_key", f"{key_prefix}:stream")
        options.setdefault("key_prefix", key_prefix)
        queue = RedisStreamsQueue(**options)
        made.append(queue)
        return queue

    yield make
    for queue in made:
        await queue.aclose()
    client = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"{key_prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
