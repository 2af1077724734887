"""InMemoryScheduleLock passes the ScheduleLock contract, on a manual and on the real clock."""

from __future__ import annotations

import pytest

from agent_gateway_core.testing import InMemoryScheduleLock, ManualClock
from agent_gateway_testing.contracts import AdvanceTime, ScheduleLockContract, advance_manual_clock

pytestmark = pytest.mark.unit


class TestInMemoryScheduleLock(ScheduleLockContract):
    @pytest.fixture
    def schedule_lock(self, manual_clock: ManualClock) -> InMemoryScheduleLock:
        return InMemoryScheduleLock(clock=manual_clock)

    @pytest.fixture
    def advance_time(self, manual_clock: ManualClock) -> AdvanceTime:
        return advance_manual_clock(manual_clock)


class TestInMemoryScheduleLockOnTheSystemClock(ScheduleLockContract):
    ttl_seconds = 0.1

    @pytest.fixture
    def schedule_lock(self) -> InMemoryScheduleLock:
        return InMemoryScheduleLock()
