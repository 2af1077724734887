"""An unreachable Redis is a BackendUnavailableError that names the server, not its password."""

from __future__ import annotations

import socket
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.execution_queue import ExecutionJob
from agent_gateway_redis import RedisStreamsQueue

pytestmark = pytest.mark.integration

PASSWORD = "s3cret-pa55word"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens there once the probe is closed


@pytest.fixture
def unreachable() -> RedisStreamsQueue:
    return RedisStreamsQueue(
        f"redis://worker:{PASSWORD}@127.0.0.1:{closed_port()}/12", operation_timeout_seconds=1.0
    )


CALLS: dict[str, Callable[[RedisStreamsQueue], Awaitable[object]]] = {
    "enqueue": lambda queue: queue.enqueue(
        ExecutionJob(execution_id="exec-1", agent_id="a", enqueued_at=datetime.now(UTC))
    ),
    "receive": lambda queue: queue.receive(0.1),
    "pending_count": lambda queue: queue.pending_count(),
    "dead_letters": lambda queue: queue.dead_letters(),
    "request_cancel": lambda queue: queue.request_cancel("exec-1"),
    "is_cancel_requested": lambda queue: queue.is_cancel_requested("exec-1"),
}


@pytest.mark.parametrize("call", CALLS)
async def test_every_call_raises_backend_unavailable_without_the_password(
    unreachable: RedisStreamsQueue, call: str
) -> None:
    started = time.monotonic()
    with pytest.raises(BackendUnavailableError) as raised:
        await CALLS[call](unreachable)
    assert time.monotonic() - started < 5.0
    message = str(raised.value)
    assert PASSWORD not in message
    assert "worker" not in message
    assert unreachable.server.startswith("redis://127.0.0.1:")
    assert unreachable.server in message
    assert raised.value.backend == "the Redis queue"
    assert "the Redis queue" in raised.value.public_message
    await unreachable.aclose()
    await unreachable.aclose()
