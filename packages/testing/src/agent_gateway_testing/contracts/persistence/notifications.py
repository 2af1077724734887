"""Contract of NotificationLogStore: create once per event and target, insert-or-replace, get,
claims of due deliveries, filters, ordering and totals."""

from __future__ import annotations

import asyncio

import pytest

from agent_gateway_core.domain.notification import DeliveryStatus, NotificationEvent
from agent_gateway_core.ports.persistence import NotificationQuery, PersistenceBackend
from agent_gateway_testing.contracts.persistence.base import PersistenceFixture
from agent_gateway_testing.contracts.persistence.records import at, delivery, notification


class NotificationLogStoreContract(PersistenceFixture):
    """Every sentence of the NotificationLogStore docstring, against ``persistence.notifications``."""

    async def test_notification_record_then_query_returns_it(
        self, persistence: PersistenceBackend
    ) -> None:
        record = delivery(last_error=None, delivered_at=at(1))
        await persistence.notifications.record(record)
        page = await persistence.notifications.query(NotificationQuery())
        assert list(page.items) == [record]
        assert page.total == 1

    async def test_notification_record_same_id_replaces(
        self, persistence: PersistenceBackend
    ) -> None:
        first = delivery(status=DeliveryStatus.FAILED, attempts=1, last_error="timeout")
        await persistence.notifications.record(first)
        retried = first.model_copy(
            update={"status": DeliveryStatus.DELIVERED, "attempts": 2, "delivered_at": at(5)}
        )
        await persistence.notifications.record(retried)
        page = await persistence.notifications.query(NotificationQuery())
        assert list(page.items) == [retried]
        assert page.total == 1

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            (NotificationQuery(status=DeliveryStatus.FAILED), {"d2"}),
            (NotificationQuery(agent_id="agent-b"), {"d3"}),
            (NotificationQuery(channel="webhook"), {"d2", "d3"}),
            (NotificationQuery(execution_id="exec-1"), {"d1", "d2"}),
            (NotificationQuery(channel="webhook", agent_id="agent-a"), {"d2"}),
            (NotificationQuery(channel="email"), set()),
        ],
        ids=["status", "agent", "channel", "execution", "combined", "no-match"],
    )
    async def test_notification_query_filters_by_every_set_field(
        self, persistence: PersistenceBackend, query: NotificationQuery, expected: set[str]
    ) -> None:
        for record in [
            delivery(id="d1", execution_id="exec-1", channel="slack"),
            delivery(
                id="d2",
                execution_id="exec-1",
                channel="webhook",
                status=DeliveryStatus.FAILED,
                last_error="HTTP 500",
            ),
            delivery(id="d3", execution_id="exec-2", channel="webhook", agent_id="agent-b"),
        ]:
            await persistence.notifications.record(record)
        page = await persistence.notifications.query(query)
        assert {d.id for d in page.items} == expected
        assert page.total == len(expected)

    async def test_notification_query_orders_newest_first_then_id_descending(
        self, persistence: PersistenceBackend
    ) -> None:
        for record_id, second in [("d-1", 10), ("d-3", 20), ("d-2", 20), ("d-4", 5)]:
            await persistence.notifications.record(delivery(id=record_id, created_at=at(second)))
        page = await persistence.notifications.query(NotificationQuery())
        assert [d.id for d in page.items] == ["d-3", "d-2", "d-1", "d-4"]

    async def test_notification_query_paginates_and_counts_every_match(
        self, persistence: PersistenceBackend
    ) -> None:
        for n in range(5):
            await persistence.notifications.record(delivery(id=f"d-{n}", created_at=at(n)))
        page = await persistence.notifications.query(NotificationQuery(limit=2, offset=2))
        assert [d.id for d in page.items] == ["d-2", "d-1"]
        assert (page.total, page.limit, page.offset) == (5, 2, 2)

    async def test_notification_create_stores_a_new_delivery_with_its_notification(
        self, persistence: PersistenceBackend
    ) -> None:
        record = delivery(
            id="d1",
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=at(1),
            notification=notification(delivery_id="d1"),
        )
        assert await persistence.notifications.create(record) is True
        assert await persistence.notifications.get("d1") == record

    async def test_notification_create_refuses_the_same_event_and_target_twice(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.notifications
        assert await store.create(delivery(id="d1", execution_id="e1", target="#a")) is True
        assert await store.create(delivery(id="d2", execution_id="e1", target="#a")) is False
        assert await store.get("d2") is None
        # Another target, channel, event or execution is another delivery.
        variants: list[dict[str, object]] = [
            {"target": "#b"},
            {"channel": "webhook"},
            {"event_type": NotificationEvent.ON_ERROR},
            {"execution_id": "e2"},
        ]
        for n, changes in enumerate(variants):
            fields: dict[str, object] = {"execution_id": "e1", "target": "#a", **changes}
            assert await store.create(delivery(id=f"x{n}", **fields))

    async def test_notification_concurrent_creates_of_one_key_let_exactly_one_win(
        self, persistence: PersistenceBackend
    ) -> None:
        outcomes = await asyncio.gather(
            *(
                persistence.notifications.create(delivery(id=f"d{n}", execution_id="e1"))
                for n in range(8)
            )
        )
        assert sum(outcomes) == 1
        page = await persistence.notifications.query(NotificationQuery(execution_id="e1"))
        assert page.total == 1

    async def test_notification_get_unknown_returns_none(
        self, persistence: PersistenceBackend
    ) -> None:
        assert await persistence.notifications.get("nothing") is None

    async def test_notification_claim_due_takes_pending_due_unclaimed_oldest_first(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.notifications
        pending = {"status": DeliveryStatus.PENDING, "attempts": 0}
        for record in [
            delivery(id="late", next_attempt_at=at(30), target="t1", **pending),
            delivery(id="early", next_attempt_at=at(10), target="t2", **pending),
            delivery(id="future", next_attempt_at=at(99), target="t3", **pending),
            delivery(id="done", next_attempt_at=at(5), target="t4"),  # delivered
            delivery(id="no-time", target="t5", **pending),  # never due
            delivery(
                id="held", next_attempt_at=at(1), claimed_until=at(60), target="t6", **pending
            ),
            delivery(
                id="lapsed", next_attempt_at=at(2), claimed_until=at(40), target="t7", **pending
            ),
        ]:
            await store.record(record)
        claimed = await store.claim_due(at(50), owner="inst-a", lease_seconds=30, limit=10)
        assert [d.id for d in claimed] == ["lapsed", "early", "late"]
        assert {(d.claimed_by, d.claimed_until) for d in claimed} == {("inst-a", at(80))}
        stored = await store.get("early")
        assert stored is not None
        assert (stored.claimed_by, stored.claimed_until) == ("inst-a", at(80))
        assert await store.claim_due(at(59), owner="inst-b", lease_seconds=30, limit=10) == []
        again = await store.claim_due(at(80), owner="inst-b", lease_seconds=30, limit=1)
        assert [(d.id, d.claimed_by) for d in again] == [("held", "inst-b")]  # due first

    async def test_notification_concurrent_claims_never_share_a_delivery(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.notifications
        for n in range(6):
            await store.record(
                delivery(
                    id=f"d{n}",
                    target=f"t{n}",
                    status=DeliveryStatus.PENDING,
                    attempts=0,
                    next_attempt_at=at(n),
                )
            )
        batches = await asyncio.gather(
            *(
                store.claim_due(at(10), owner=f"inst-{n}", lease_seconds=60, limit=2)
                for n in range(5)
            )
        )
        ids = [d.id for batch in batches for d in batch]
        assert sorted(ids) == [f"d{n}" for n in range(6)]
