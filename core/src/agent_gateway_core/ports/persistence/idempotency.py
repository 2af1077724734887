"""IdempotencyStore: one execution per client idempotency key."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from agent_gateway_core.domain.user_config import IdempotencyRecord


@runtime_checkable
class IdempotencyStore(Protocol):
    """- ``claim(record)`` stores the record if no unexpired record has the same
    (scope, key), and returns ``None``; otherwise it stores nothing and returns the existing
    record. Concurrent claims of one key: exactly one gets ``None``.
    - ``get(scope, key, now)`` returns the unexpired record or ``None``.
    - ``purge_expired(now)`` deletes records with ``expires_at <= now`` and returns the count.
    """

    async def claim(self, record: IdempotencyRecord) -> IdempotencyRecord | None: ...

    async def get(self, scope: str, key: str, now: datetime) -> IdempotencyRecord | None: ...

    async def purge_expired(self, now: datetime) -> int: ...
