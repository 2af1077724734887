"""In-memory NotificationLogStore."""

from __future__ import annotations

from datetime import datetime, timedelta

from agent_gateway_core.domain.notification import DeliveryStatus, NotificationDelivery
from agent_gateway_core.in_memory.health import BackendHealth
from agent_gateway_core.in_memory.stores.paging import paginate
from agent_gateway_core.ports.persistence.notifications import (
    NotificationLogStore,
    NotificationQuery,
)
from agent_gateway_core.ports.persistence.paging import Page


class InMemoryNotificationLogStore(NotificationLogStore):
    """The delivery log in a dict keyed by delivery id."""

    def __init__(self, health: BackendHealth | None = None) -> None:
        self._health = health or BackendHealth("in-memory notification log")
        self._deliveries: dict[str, NotificationDelivery] = {}

    async def create(self, delivery: NotificationDelivery) -> bool:
        await self._health.round_trip()  # nothing awaited after it: check-and-insert is atomic
        if any(_same_key(delivery, known) for known in self._deliveries.values()):
            return False
        self._deliveries[delivery.id] = delivery.model_copy(deep=True)
        return True

    async def record(self, delivery: NotificationDelivery) -> None:
        await self._health.round_trip()
        self._deliveries[delivery.id] = delivery.model_copy(deep=True)

    async def get(self, delivery_id: str) -> NotificationDelivery | None:
        await self._health.round_trip()
        found = self._deliveries.get(delivery_id)
        return found.model_copy(deep=True) if found else None

    async def claim_due(
        self, now: datetime, *, owner: str, lease_seconds: float, limit: int
    ) -> list[NotificationDelivery]:
        await self._health.round_trip()  # then no await: the claim is atomic
        due = sorted(
            (d for d in self._deliveries.values() if _claimable(d, now)),
            key=lambda d: (d.next_attempt_at or d.created_at, d.id),
        )[:limit]
        until = now + timedelta(seconds=lease_seconds)
        claimed = []
        for delivery in due:
            taken = delivery.model_copy(update={"claimed_by": owner, "claimed_until": until})
            self._deliveries[delivery.id] = taken
            claimed.append(taken.model_copy(deep=True))
        return claimed

    async def query(self, query: NotificationQuery) -> Page[NotificationDelivery]:
        await self._health.round_trip()
        matches = [d for d in self._deliveries.values() if _matches(d, query)]
        matches.sort(key=lambda d: (d.created_at, d.id), reverse=True)
        return paginate(matches, query.limit, query.offset)


def _matches(delivery: NotificationDelivery, query: NotificationQuery) -> bool:
    return (
        (query.status is None or delivery.status is query.status)
        and (query.agent_id is None or delivery.agent_id == query.agent_id)
        and (query.channel is None or delivery.channel == query.channel)
        and (query.execution_id is None or delivery.execution_id == query.execution_id)
    )


def _same_key(a: NotificationDelivery, b: NotificationDelivery) -> bool:
    return (a.execution_id, a.event_type, a.channel, a.target) == (
        b.execution_id,
        b.event_type,
        b.channel,
        b.target,
    )


def _claimable(delivery: NotificationDelivery, now: datetime) -> bool:
    return (
        delivery.status is DeliveryStatus.PENDING
        and delivery.next_attempt_at is not None
        and delivery.next_attempt_at <= now
        and (delivery.claimed_until is None or delivery.claimed_until <= now)
    )
