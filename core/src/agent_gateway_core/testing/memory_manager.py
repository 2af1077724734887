"""In-memory MemoryManager ranking memories by shared words with the query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.domain.ids import new_record_id
from agent_gateway_core.domain.memory import (
    MemoryRecord,
    MemoryScope,
    MemorySource,
    MemoryType,
    NewMemory,
)
from agent_gateway_core.memory.relevance import rank_by_relevance
from agent_gateway_core.memory.scope_edit import ScopeEdit, edit_scope
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.memory_manager import MemoryManager


class InMemoryMemoryManager(MemoryManager):
    """Memories per scope in insertion order; relevance is the count of shared query words.

    Memories sharing no word with the query are not recalled; ties go to the newest. Every
    method runs without awaiting, so each change is atomic on the event loop.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._scopes: dict[tuple[str, str | None], list[MemoryRecord]] = {}

    async def remember(
        self,
        scope: MemoryScope,
        content: str,
        metadata: dict[str, Any] | None = None,
        *,
        memory_type: MemoryType = MemoryType.SEMANTIC,
        importance: float = 0.5,
        source: MemorySource = MemorySource.MANUAL,
    ) -> MemoryRecord:
        memory = NewMemory(
            content=content,
            metadata=dict(metadata or {}),
            memory_type=memory_type,
            importance=importance,
            source=source,
        )
        return self._edit(scope, (), [memory]).stored[0]

    async def recall(self, scope: MemoryScope, query: str, limit: int = 10) -> list[MemoryRecord]:
        return rank_by_relevance(self._scopes.get(_key(scope), []), query, limit)

    async def list_all(self, scope: MemoryScope) -> list[MemoryRecord]:
        return list(self._scopes.get(_key(scope), []))

    async def forget(self, scope: MemoryScope, memory_id: str) -> bool:
        return self._edit(scope, (memory_id,), []).removed > 0

    async def clear(self, scope: MemoryScope) -> int:
        return len(self._scopes.pop(_key(scope), []))

    async def scopes(self, agent_id: str) -> list[MemoryScope]:
        users = sorted(
            user for agent, user in self._scopes if agent == agent_id and user is not None
        )
        agent_wide = [MemoryScope(agent_id=agent_id)] if (agent_id, None) in self._scopes else []
        return agent_wide + [MemoryScope(agent_id=agent_id, user_id=user) for user in users]

    async def replace(
        self, scope: MemoryScope, remove_ids: Sequence[str], add: Sequence[NewMemory]
    ) -> list[MemoryRecord]:
        return self._edit(scope, remove_ids, add).stored

    def _edit(
        self, scope: MemoryScope, remove_ids: Sequence[str], add: Sequence[NewMemory]
    ) -> ScopeEdit:
        edit = edit_scope(
            self._scopes.get(_key(scope), []),
            scope,
            remove_ids,
            add,
            created_at=self._clock.now,
            new_id=new_record_id,
        )
        # An empty scope is dropped, so scopes() lists only scopes holding records.
        if edit.records:
            self._scopes[_key(scope)] = edit.records
        else:
            self._scopes.pop(_key(scope), None)
        return edit


def _key(scope: MemoryScope) -> tuple[str, str | None]:
    return (scope.agent_id, scope.user_id)
