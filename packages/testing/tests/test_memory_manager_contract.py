"""InMemoryMemoryManager passes the MemoryManager contract."""

from __future__ import annotations

import pytest

from agent_gateway_core.testing import InMemoryMemoryManager, ManualClock
from agent_gateway_testing.contracts import MemoryManagerContract

pytestmark = pytest.mark.unit


class TestInMemoryMemoryManager(MemoryManagerContract):
    @pytest.fixture
    def memory_manager(self) -> InMemoryMemoryManager:
        return InMemoryMemoryManager()


class TestInMemoryMemoryManagerOnAStoppedClock(MemoryManagerContract):
    """Every memory gets the same created_at, so ordering must not rely on timestamps."""

    @pytest.fixture
    def memory_manager(self, manual_clock: ManualClock) -> InMemoryMemoryManager:
        return InMemoryMemoryManager(clock=manual_clock)
