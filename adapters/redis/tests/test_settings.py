"""From gateway.yaml's ``queue`` section to a working queue."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from agent_gateway_core.errors import ConfigError
from agent_gateway_core.ports.execution_queue import ExecutionJob
from agent_gateway_redis import RedisStreamsQueue

from .conftest import REDIS_URL

pytestmark = pytest.mark.integration


@pytest.fixture
async def stream_key() -> AsyncIterator[str]:
    key = f"agw-test:{uuid.uuid4().hex[:12]}"
    yield key
    client = Redis.from_url(REDIS_URL)
    try:
        keys = [k async for k in client.scan_iter(match=f"{key}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


def section(**overrides: object) -> dict[str, object]:
    """The ``queue`` section as the app passes it: every key, with their defaults."""
    values: dict[str, object] = {
        "backend": "redis",
        "url": None,
        "workers": 8,
        "redis_url": "redis://localhost:6379/0",
        "rabbitmq_url": "amqp://guest:guest@localhost:5672/",
        "stream_key": "ag:executions",
        "queue_name": "ag.executions",
        "consumer_group": "ag-workers",
        "max_retries": 3,
        "visibility_timeout_s": 300,
        "drain_timeout_s": 30,
        "default_execution_mode": "sync",
    }
    values.update(overrides)
    return values


async def test_from_settings_maps_the_queue_section(stream_key: str) -> None:
    queue = RedisStreamsQueue.from_settings(
        section(
            redis_url=REDIS_URL,
            stream_key=stream_key,
            consumer_group="settings-group",
            max_retries=1,
            visibility_timeout_s=42,
        )
    )
    async with queue:
        assert queue.max_attempts == 2
        assert queue.visibility_timeout_seconds == 42
        assert queue.keys.stream == stream_key
        await queue.enqueue(
            ExecutionJob(execution_id="exec-1", agent_id="a", enqueued_at=datetime.now(UTC))
        )
        delivery = await queue.receive(2.0)
        assert delivery is not None
        assert await queue.retry(delivery, "once") is True
        again = await queue.receive(2.0)
        assert again is not None
        assert await queue.retry(again, "twice") is False
        assert [j.attempt for j in await queue.dead_letters()] == [2]


def test_url_wins_over_redis_url() -> None:
    queue = RedisStreamsQueue.from_settings(
        section(url="redis://:pw@10.1.2.3:6380/4", redis_url="redis://elsewhere:6379/0")
    )
    assert queue.server == "redis://10.1.2.3:6380/4"
    with pytest.raises(ConfigError, match="Redis URL"):
        RedisStreamsQueue.from_settings(section(url="http://not-redis"))


def test_invalid_settings_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="max_attempts"):
        RedisStreamsQueue.from_settings(section(max_retries=-1))
