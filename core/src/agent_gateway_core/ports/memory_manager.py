"""MemoryManager port: long-term memory per agent, and per user of an agent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from agent_gateway_core.domain.memory import (
    MemoryRecord,
    MemoryScope,
    MemorySource,
    MemoryType,
    NewMemory,
)


@runtime_checkable
class MemoryManager(Protocol):
    """Stores and recalls memories within a scope; scopes never see each other's memories.

    - ``remember`` stores ``content`` with its type, importance (0 to 1) and source, and
      returns the new record with a unique id; storing the same content twice in a scope
      keeps one record (returns the existing one, unchanged).
    - ``recall(scope, query, limit)`` returns at most ``limit`` records relevant to ``query``,
      most relevant first; an empty query returns the most recent ones. Unknown scope: ``[]``.
    - ``list_all`` returns all records of a scope, oldest first.
    - ``forget`` deletes one record and returns ``True``; ``False`` if it did not exist in
      that scope.
    - ``clear`` deletes every record of a scope and returns how many were deleted.
    - ``scopes(agent_id)`` returns the scopes of that agent holding at least one record,
      the agent-wide scope first, then users by id.
    - ``replace(scope, remove_ids, add)`` deletes those records of the scope and stores
      ``add`` in one step: a reader sees either all of the old records or the result, never
      a mixture, and a failure leaves the scope as it was. Ids not in the scope are ignored.
      It returns the stored records of ``add``, in order.
    """

    async def remember(
        self,
        scope: MemoryScope,
        content: str,
        metadata: dict[str, Any] | None = None,
        *,
        memory_type: MemoryType = MemoryType.SEMANTIC,
        importance: float = 0.5,
        source: MemorySource = MemorySource.MANUAL,
    ) -> MemoryRecord: ...

    async def recall(
        self, scope: MemoryScope, query: str, limit: int = 10
    ) -> list[MemoryRecord]: ...

    async def list_all(self, scope: MemoryScope) -> list[MemoryRecord]: ...

    async def forget(self, scope: MemoryScope, memory_id: str) -> bool: ...

    async def clear(self, scope: MemoryScope) -> int: ...

    async def scopes(self, agent_id: str) -> list[MemoryScope]: ...

    async def replace(
        self, scope: MemoryScope, remove_ids: Sequence[str], add: Sequence[NewMemory]
    ) -> list[MemoryRecord]: ...
