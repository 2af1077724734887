"""FileMemoryManager passes the MemoryManager contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_gateway_core.memory.file_backend import FileMemoryManager
from agent_gateway_core.testing import ManualClock
from agent_gateway_testing.contracts import MemoryManagerContract

pytestmark = pytest.mark.unit


class TestFileMemoryManager(MemoryManagerContract):
    @pytest.fixture
    def memory_manager(self, tmp_path: Path) -> FileMemoryManager:
        return FileMemoryManager(tmp_path)


class TestFileMemoryManagerOnAStoppedClock(MemoryManagerContract):
    """Every memory gets the same created_at, so ordering must not rely on timestamps."""

    @pytest.fixture
    def memory_manager(self, tmp_path: Path, manual_clock: ManualClock) -> FileMemoryManager:
        return FileMemoryManager(tmp_path, clock=manual_clock)
