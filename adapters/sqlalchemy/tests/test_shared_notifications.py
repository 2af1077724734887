"""Notification deliveries shared by processes: one create of an execution's event and
target wins across them, and no two of their claims take the same delivery."""

from __future__ import annotations

import asyncio

import pytest

from agent_gateway_core.domain.notification import DeliveryStatus
from agent_gateway_core.ports.persistence import NotificationQuery
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_testing.contracts.persistence.records import at, delivery

pytestmark = pytest.mark.integration


async def test_concurrent_creates_from_two_processes_let_exactly_one_win(
    two_backends: tuple[SqlAlchemyPersistence, SqlAlchemyPersistence],
) -> None:
    stores = [backend.notifications for backend in two_backends] * 4
    outcomes = await asyncio.gather(
        *(
            store.create(delivery(id=f"d{n}", execution_id="e1", status=DeliveryStatus.PENDING))
            for n, store in enumerate(stores)
        )
    )
    assert sum(outcomes) == 1
    page = await stores[1].query(NotificationQuery(execution_id="e1"))
    assert [d.id for d in page.items] == [f"d{outcomes.index(True)}"]


async def test_concurrent_claims_from_two_processes_never_share_a_delivery(
    two_backends: tuple[SqlAlchemyPersistence, SqlAlchemyPersistence],
) -> None:
    first, _ = two_backends
    count = 40
    for n in range(count):
        await first.notifications.create(
            delivery(
                id=f"d{n:02}",
                target=f"t{n}",
                status=DeliveryStatus.PENDING,
                attempts=0,
                next_attempt_at=at(n),
            )
        )
    claims = [
        (backend.notifications, f"{name}-{n}")
        for n in range(6)
        for name, backend in zip(("a", "b"), two_backends, strict=True)
    ]
    batches = await asyncio.gather(
        *(
            store.claim_due(at(count), owner=owner, lease_seconds=60, limit=4)
            for store, owner in claims
        )
    )
    ids = [d.id for batch in batches for d in batch]
    assert len(ids) == len(set(ids))  # no delivery twice
    assert len(ids) == min(count, 4 * len(claims))
    for batch, (_, owner) in zip(batches, claims, strict=True):
        assert {d.claimed_by for d in batch} <= {owner}
        assert [d.next_attempt_at for d in batch] == sorted(d.next_attempt_at for d in batch)
    # What each claim returned is what is stored.
    for d in batches[0]:
        assert await first.notifications.get(d.id) == d
