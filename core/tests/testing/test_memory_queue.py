"""InMemoryExecutionQueue beyond its contract: configuration, outages, edge cases."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.execution_queue import ExecutionJob
from agent_gateway_core.testing import InMemoryExecutionQueue, ManualClock

pytestmark = pytest.mark.unit


def _job(execution_id: str) -> ExecutionJob:
    return ExecutionJob(
        execution_id=execution_id, agent_id="a", enqueued_at=datetime(2025, 1, 1, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"max_attempts": 0}, "max_attempts must be at least 1"),
        ({"visibility_timeout_seconds": 0}, "must be positive"),
        ({"cancel_ttl_seconds": -1}, "must be positive"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        InMemoryExecutionQueue(**kwargs)


async def test_an_outage_makes_calls_raise_backend_unavailable() -> None:
    queue = InMemoryExecutionQueue()
    queue.available = False
    with pytest.raises(BackendUnavailableError, match="execution queue is unavailable"):
        await queue.enqueue(_job("e1"))
    with pytest.raises(BackendUnavailableError):
        await queue.receive(0)
    queue.available = True
    await queue.enqueue(_job("e1"))
    assert await queue.pending_count() == 1


async def test_a_delivery_that_times_out_on_its_last_attempt_is_dead_lettered() -> None:
    clock = ManualClock()
    queue = InMemoryExecutionQueue(max_attempts=1, visibility_timeout_seconds=5, clock=clock)
    await queue.enqueue(_job("e1"))
    assert await queue.receive(0) is not None
    clock.advance(5)
    assert await queue.receive(0) is None
    assert [j.execution_id for j in await queue.dead_letters()] == ["e1"]
    assert await queue.pending_count() == 0


async def test_retry_of_a_delivery_that_already_timed_out_returns_false() -> None:
    clock = ManualClock()
    queue = InMemoryExecutionQueue(visibility_timeout_seconds=5, clock=clock)
    await queue.enqueue(_job("e1"))
    stale = await queue.receive(0)
    assert stale is not None
    clock.advance(5)
    current = await queue.receive(0)
    assert current is not None
    assert current.attempt == 2
    assert await queue.retry(stale, "late") is False
    assert await queue.pending_count() == 1


async def test_receive_waits_in_real_time_even_on_a_manual_clock() -> None:
    queue = InMemoryExecutionQueue(clock=ManualClock())
    started = time.monotonic()
    assert await queue.receive(0.05) is None
    assert time.monotonic() - started >= 0.05
