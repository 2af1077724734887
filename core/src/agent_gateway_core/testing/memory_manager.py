"""In-memory MemoryManager ranking memories by shared words with the query."""

from __future__ import annotations

from typing import Any

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.domain.ids import new_record_id
from agent_gateway_core.domain.memory import MemoryRecord, MemoryScope
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_core.testing.text_match import overlap, words


class InMemoryMemoryManager(MemoryManager):
    """Memories per scope in insertion order; relevance is the count of shared query words.

    Memories sharing no word with the query are not recalled; ties go to the newest.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._scopes: dict[tuple[str, str | None], list[MemoryRecord]] = {}

    async def remember(
        self, scope: MemoryScope, content: str, metadata: dict[str, Any] | None = None
    ) -> MemoryRecord:
        records = self._scopes.setdefault(_key(scope), [])
        existing = next((r for r in records if r.content == content), None)
        if existing is not None:
            return existing
        record = MemoryRecord(
            id=new_record_id(),
            scope=scope,
            content=content,
            metadata=dict(metadata or {}),
            created_at=self._clock.now(),
        )
        records.append(record)
        return record

    async def recall(self, scope: MemoryScope, query: str, limit: int = 10) -> list[MemoryRecord]:
        newest_first = list(reversed(self._scopes.get(_key(scope), [])))
        query_words = words(query)
        if not query_words:
            return newest_first[: max(0, limit)]
        scored = [(overlap(query_words, r.content), r) for r in newest_first]
        # sorted() is stable, so equally relevant memories stay newest first.
        ranked = sorted((pair for pair in scored if pair[0] > 0), key=lambda p: -p[0])
        return [record for _, record in ranked[: max(0, limit)]]

    async def list_all(self, scope: MemoryScope) -> list[MemoryRecord]:
        return list(self._scopes.get(_key(scope), []))

    async def forget(self, scope: MemoryScope, memory_id: str) -> bool:
        records = self._scopes.get(_key(scope), [])
        kept = [r for r in records if r.id != memory_id]
        if len(kept) == len(records):
            return False
        self._scopes[_key(scope)] = kept
        return True

    async def clear(self, scope: MemoryScope) -> int:
        return len(self._scopes.pop(_key(scope), []))


def _key(scope: MemoryScope) -> tuple[str, str | None]:
    return (scope.agent_id, scope.user_id)
