"""ManualClock beyond the Clock contract: sleeps wake exactly when time is advanced."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest

from agent_gateway_core.testing import ManualClock

pytestmark = pytest.mark.unit


async def _settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_sleep_returns_only_once_advanced_past_its_deadline() -> None:
    clock = ManualClock()
    sleeper = asyncio.create_task(clock.sleep(10))
    await _settle()
    assert clock.sleepers == 1
    clock.advance(9.5)
    await _settle()
    assert not sleeper.done()
    clock.advance(0.5)
    await _settle()
    assert sleeper.done()
    assert clock.sleepers == 0


async def test_advance_wakes_sleepers_in_deadline_order() -> None:
    clock = ManualClock()
    woke: list[str] = []

    async def sleep_then_note(seconds: float, name: str) -> None:
        await clock.sleep(seconds)
        woke.append(name)

    tasks = [
        asyncio.create_task(sleep_then_note(3, "late")),
        asyncio.create_task(sleep_then_note(1, "early")),
    ]
    await _settle()
    clock.advance(5)
    await asyncio.gather(*tasks)
    assert woke == ["early", "late"]


async def test_a_cancelled_sleeper_does_not_break_advance() -> None:
    clock = ManualClock()
    sleeper = asyncio.create_task(clock.sleep(1))
    await _settle()
    sleeper.cancel()
    await _settle()
    assert clock.sleepers == 0
    clock.advance(2)
    assert sleeper.cancelled()


def test_now_and_monotonic_follow_advance() -> None:
    start = datetime(2030, 5, 1, 12, tzinfo=UTC)
    clock = ManualClock(start)
    clock.advance(90)
    assert clock.now() == start + timedelta(seconds=90)
    assert clock.monotonic() == 90


def test_start_in_another_zone_is_converted_to_utc() -> None:
    clock = ManualClock(datetime(2030, 5, 1, 14, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == datetime(2030, 5, 1, 12, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="must be timezone-aware"):
        ManualClock(datetime(2030, 1, 1))


def test_time_cannot_go_backwards() -> None:
    with pytest.raises(ValueError, match="cannot go backwards"):
        ManualClock().advance(-1)
