"""NotificationLogStore: the notification delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from agent_gateway_core.domain.notification import DeliveryStatus, NotificationDelivery
from agent_gateway_core.ports.persistence.paging import Page


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationQuery:
    status: DeliveryStatus | None = None
    agent_id: str | None = None
    channel: str | None = None
    execution_id: str | None = None
    limit: int = 50
    offset: int = 0


@runtime_checkable
class NotificationLogStore(Protocol):
    """- ``record`` inserts or replaces (by id) a delivery record.
    - ``query(query)`` filters by every set field, newest ``created_at`` first (then id
      descending), paginated; ``total`` counts all matches.
    """

    async def record(self, delivery: NotificationDelivery) -> None: ...

    async def query(self, query: NotificationQuery) -> Page[NotificationDelivery]: ...
