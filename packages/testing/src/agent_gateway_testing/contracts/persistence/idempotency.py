"""Contract of IdempotencyStore: one claim per unexpired (scope, key)."""

from __future__ import annotations

import asyncio

from agent_gateway_core.ports.persistence import PersistenceBackend
from agent_gateway_testing.contracts.persistence.base import PersistenceFixture
from agent_gateway_testing.contracts.persistence.records import at, idempotency


class IdempotencyStoreContract(PersistenceFixture):
    """Every sentence of the IdempotencyStore docstring, against ``persistence.idempotency``."""

    async def test_idempotency_first_claim_returns_none_and_stores(
        self, persistence: PersistenceBackend
    ) -> None:
        record = idempotency("key-1")
        assert await persistence.idempotency.claim(record) is None
        assert await persistence.idempotency.get("user-1", "key-1", now=at(1)) == record

    async def test_idempotency_second_claim_returns_existing_and_stores_nothing(
        self, persistence: PersistenceBackend
    ) -> None:
        first = idempotency("key-1")
        await persistence.idempotency.claim(first)
        second = idempotency("key-1", created_at=at(10), request_fingerprint="sha256:other")
        assert await persistence.idempotency.claim(second) == first
        assert await persistence.idempotency.get("user-1", "key-1", now=at(11)) == first

    async def test_idempotency_same_key_in_other_scope_is_independent(
        self, persistence: PersistenceBackend
    ) -> None:
        await persistence.idempotency.claim(idempotency("key-1", scope="user-1"))
        other = idempotency("key-1", scope="user-2")
        assert await persistence.idempotency.claim(other) is None
        assert await persistence.idempotency.get("user-2", "key-1", now=at(1)) == other

    async def test_idempotency_claim_over_an_expired_record_succeeds(
        self, persistence: PersistenceBackend
    ) -> None:
        await persistence.idempotency.claim(idempotency("key-1", expires_at=at(60)))
        fresh = idempotency("key-1", created_at=at(60), expires_at=at(120))
        assert await persistence.idempotency.claim(fresh) is None
        assert await persistence.idempotency.get("user-1", "key-1", now=at(61)) == fresh

    async def test_idempotency_get_returns_only_unexpired_records(
        self, persistence: PersistenceBackend
    ) -> None:
        record = idempotency("key-1", expires_at=at(60))
        await persistence.idempotency.claim(record)
        assert await persistence.idempotency.get("user-1", "key-1", now=at(59)) == record
        assert await persistence.idempotency.get("user-1", "key-1", now=at(60)) is None
        assert await persistence.idempotency.get("user-1", "unknown", now=at(0)) is None

    async def test_idempotency_purge_expired_deletes_and_counts(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.idempotency
        await store.claim(idempotency("old", expires_at=at(10)))
        await store.claim(idempotency("boundary", expires_at=at(20)))
        await store.claim(idempotency("live", expires_at=at(30)))
        assert await store.purge_expired(now=at(20)) == 2
        assert await store.get("user-1", "live", now=at(20)) is not None
        assert await store.purge_expired(now=at(20)) == 0

    async def test_idempotency_concurrent_claims_exactly_one_wins(
        self, persistence: PersistenceBackend
    ) -> None:
        contenders = [idempotency("contested") for _ in range(8)]
        outcomes = await asyncio.gather(*(persistence.idempotency.claim(r) for r in contenders))
        assert outcomes.count(None) == 1
        winner = contenders[outcomes.index(None)]
        assert all(o == winner for o in outcomes if o is not None)
        assert await persistence.idempotency.get("user-1", "contested", now=at(1)) == winner
