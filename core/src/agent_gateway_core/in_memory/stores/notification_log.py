"""In-memory NotificationLogStore."""

from __future__ import annotations

from agent_gateway_core.domain.notification import NotificationDelivery
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

    async def record(self, delivery: NotificationDelivery) -> None:
        await self._health.round_trip()
        self._deliveries[delivery.id] = delivery.model_copy(deep=True)

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
