"""The fixture every persistence contract needs."""

from __future__ import annotations

import pytest

from agent_gateway_core.ports.persistence import PersistenceBackend


class PersistenceFixture:
    """Subclasses provide ``persistence``: an initialized backend whose stores are all EMPTY."""

    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    def persistence(self) -> PersistenceBackend:
        raise NotImplementedError(
            f"{type(self).__name__} must override the `persistence` fixture with an "
            "initialized, empty PersistenceBackend"
        )
