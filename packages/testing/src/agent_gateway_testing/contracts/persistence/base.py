"""The fixture every persistence contract needs."""

from __future__ import annotations

import pytest

from agent_gateway_core.ports.persistence import PersistenceBackend
from agent_gateway_testing.contracts._required import fixture_required


class PersistenceFixture:
    """Subclasses provide ``persistence``: an initialized backend whose stores are all EMPTY."""

    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    def persistence(self) -> PersistenceBackend:
        fixture_required(self, "persistence", "an initialized, empty PersistenceBackend")
