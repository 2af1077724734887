"""Contract of Clock: aware UTC time, monotonic durations, sleeps of at least the asked time."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import ClassVar

import pytest

from agent_gateway_core.ports.clock import Clock
from agent_gateway_testing.contracts._required import fixture_required
from agent_gateway_testing.contracts.timing import AdvanceTime, let_real_time_pass


class ClockContract:
    """Every sentence of the Clock docstring.

    Subclasses override ``clock``, and ``advance_time`` when the clock is driven by the test.
    """

    pytestmark = pytest.mark.asyncio

    sleep_seconds: ClassVar[float] = 0.05

    @pytest.fixture
    def clock(self) -> Clock:
        fixture_required(self, "clock")

    @pytest.fixture
    def advance_time(self) -> AdvanceTime:
        return let_real_time_pass

    async def test_now_is_timezone_aware_utc(self, clock: Clock) -> None:
        assert clock.now().utcoffset() == timedelta(0)

    async def test_now_and_monotonic_never_go_backwards(
        self, clock: Clock, advance_time: AdvanceTime
    ) -> None:
        times = [clock.now() for _ in range(100)]
        ticks = [clock.monotonic() for _ in range(100)]
        await advance_time(0.01)
        times.append(clock.now())
        ticks.append(clock.monotonic())
        assert times == sorted(times)
        assert ticks == sorted(ticks)

    async def test_sleep_lasts_at_least_the_asked_time_on_this_clock(
        self, clock: Clock, advance_time: AdvanceTime
    ) -> None:
        started = clock.monotonic()
        sleeper = asyncio.create_task(clock.sleep(self.sleep_seconds))
        await advance_time(self.sleep_seconds * 1.2)
        await asyncio.wait_for(sleeper, 5)
        assert clock.monotonic() - started >= self.sleep_seconds

    @pytest.mark.parametrize("seconds", [0, -1], ids=["zero", "negative"])
    async def test_sleep_of_zero_or_less_just_yields(self, clock: Clock, seconds: float) -> None:
        ran = asyncio.Event()

        async def other_task() -> None:
            ran.set()

        task = asyncio.create_task(other_task())
        await clock.sleep(seconds)
        assert ran.is_set()
        await task
