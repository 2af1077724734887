"""InMemoryPersistence passes the PersistenceBackend contract."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent_gateway_core.testing import InMemoryPersistence
from agent_gateway_testing.contracts import PersistenceBackendContract

pytestmark = pytest.mark.unit


class TestInMemoryPersistence(PersistenceBackendContract):
    @pytest.fixture
    async def persistence(self) -> AsyncIterator[InMemoryPersistence]:
        backend = InMemoryPersistence()
        await backend.initialize()
        yield backend
        await backend.aclose()
