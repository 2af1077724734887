"""The Redis the shared-storage tests count in, under a key prefix of their own.

``AGENT_GATEWAY_TEST_REDIS_URL`` names it (default: database 11 of the local server). Each test
gets a fresh prefix, and its keys are deleted afterwards; without a server the test is
skipped, saying so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import NamedTuple

import pytest
import redis
from redis.exceptions import RedisError

REDIS_URL = os.environ.get("AGENT_GATEWAY_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


class RedisTarget(NamedTuple):
    url: str
    key_prefix: str


@pytest.fixture
def redis_target() -> Iterator[RedisTarget]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except (RedisError, OSError) as exc:
        client.close()
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    prefix = f"agent-gateway-test:{uuid.uuid4().hex}"
    try:
        yield RedisTarget(REDIS_URL, prefix)
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
