"""SystemClock and ManualClock pass the Clock contract."""

from __future__ import annotations

import pytest

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.testing import ManualClock
from agent_gateway_testing.contracts import AdvanceTime, ClockContract, advance_manual_clock

pytestmark = pytest.mark.unit


class TestSystemClock(ClockContract):
    @pytest.fixture
    def clock(self) -> SystemClock:
        return SystemClock()


class TestManualClock(ClockContract):
    @pytest.fixture
    def clock(self, manual_clock: ManualClock) -> ManualClock:
        return manual_clock

    @pytest.fixture
    def advance_time(self, manual_clock: ManualClock) -> AdvanceTime:
        return advance_manual_clock(manual_clock)
