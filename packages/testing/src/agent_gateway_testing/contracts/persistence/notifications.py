"""Contract of NotificationLogStore: insert-or-replace, filters, ordering and totals."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.notification import DeliveryStatus
from agent_gateway_core.ports.persistence import NotificationQuery, PersistenceBackend
from agent_gateway_testing.contracts.persistence.base import PersistenceFixture
from agent_gateway_testing.contracts.persistence.records import at, delivery


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
