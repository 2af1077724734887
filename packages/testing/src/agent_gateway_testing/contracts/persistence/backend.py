"""Contract of PersistenceBackend itself: lifecycle and health."""

from __future__ import annotations

from agent_gateway_core.ports.persistence import PersistenceBackend
from agent_gateway_testing.contracts.persistence.base import PersistenceFixture
from agent_gateway_testing.contracts.persistence.records import execution


class PersistenceLifecycleContract(PersistenceFixture):
    """``initialize`` is idempotent, ``ping`` answers, ``aclose`` twice is harmless."""

    async def test_backend_ping_answers(self, persistence: PersistenceBackend) -> None:
        await persistence.ping()

    async def test_backend_initialize_again_keeps_data(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution()
        await persistence.executions.create(record)
        await persistence.initialize()
        assert await persistence.executions.get(record.id) == record

    async def test_backend_aclose_twice_is_harmless(self, persistence: PersistenceBackend) -> None:
        await persistence.aclose()
        await persistence.aclose()
