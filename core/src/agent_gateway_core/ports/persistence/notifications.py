"""NotificationLogStore: the notification delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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
    """The delivery log, shared by every process on the store.

    - ``create(delivery)`` stores a new record and returns ``True``, unless a record with the
      same ``execution_id``, ``event_type``, ``channel`` and ``target`` exists: then it writes
      nothing and returns ``False``. Of concurrent creates of one such key, exactly one
      returns ``True``. (One execution's event is sent once to each target.)
    - ``record`` inserts or replaces (by id) a delivery record.
    - ``get`` returns the record or ``None``.
    - ``claim_due(now, owner=, lease_seconds=, limit=)`` takes up to ``limit`` records that
      are ``pending``, due (``next_attempt_at`` at or before ``now``) and not claimed (no
      ``claimed_until``, or one at or before ``now``), the longest due first; it sets their
      ``claimed_by`` to ``owner`` and ``claimed_until`` to ``now + lease_seconds`` and
      returns them so. Concurrent claims never return the same record twice while its claim
      holds.
    - ``query(query)`` filters by every set field, newest ``created_at`` first (then id
      descending), paginated; ``total`` counts all matches.
    """

    async def create(self, delivery: NotificationDelivery) -> bool: ...

    async def record(self, delivery: NotificationDelivery) -> None: ...

    async def get(self, delivery_id: str) -> NotificationDelivery | None: ...

    async def claim_due(
        self, now: datetime, *, owner: str, lease_seconds: float, limit: int
    ) -> list[NotificationDelivery]: ...

    async def query(self, query: NotificationQuery) -> Page[NotificationDelivery]: ...
