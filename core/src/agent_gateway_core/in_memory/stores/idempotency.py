"""In-memory IdempotencyStore."""

from __future__ import annotations

import asyncio
from datetime import datetime

from agent_gateway_core.domain.user_config import IdempotencyRecord
from agent_gateway_core.in_memory.health import BackendHealth
from agent_gateway_core.ports.persistence.idempotency import IdempotencyStore


class InMemoryIdempotencyStore(IdempotencyStore):
    """Records keyed by (scope, key). A claim's own ``created_at`` is "now" for expiry."""

    def __init__(self, health: BackendHealth | None = None) -> None:
        self._health = health or BackendHealth("in-memory idempotency store")
        self._lock = asyncio.Lock()
        self._records: dict[tuple[str, str], IdempotencyRecord] = {}

    async def claim(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        async with self._lock:
            existing = self._records.get((record.scope, record.key))
            await self._health.round_trip()
            if existing is not None and existing.expires_at > record.created_at:
                return existing.model_copy(deep=True)
            self._records[(record.scope, record.key)] = record.model_copy(deep=True)
            return None

    async def get(self, scope: str, key: str, now: datetime) -> IdempotencyRecord | None:
        await self._health.round_trip()
        found = self._records.get((scope, key))
        if found is None or found.expires_at <= now:
            return None
        return found.model_copy(deep=True)

    async def purge_expired(self, now: datetime) -> int:
        async with self._lock:
            await self._health.round_trip()
            expired = [k for k, r in self._records.items() if r.expires_at <= now]
            for k in expired:
                del self._records[k]
            return len(expired)
