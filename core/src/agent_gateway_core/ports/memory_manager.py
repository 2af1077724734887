"""MemoryManager port: long-term memory per agent (and per user)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from agent_gateway_core.domain.memory import MemoryRecord, MemoryScope


@runtime_checkable
class MemoryManager(Protocol):
    """Stores and recalls memories within a scope; scopes never see each other's memories.

    - ``remember`` stores ``content`` and returns the new record with a unique id; storing the
      same content twice in a scope keeps one record (returns the existing one).
    - ``recall(scope, query, limit)`` returns at most ``limit`` records relevant to ``query``,
      most relevant first; an empty query returns the most recent ones. Unknown scope: ``[]``.
    - ``list_all`` returns all records of a scope, oldest first.
    - ``forget`` deletes one record and returns ``True``; ``False`` if it did not exist.
    - ``clear`` deletes every record of a scope and returns how many were deleted.
    """

    async def remember(
        self, scope: MemoryScope, content: str, metadata: dict[str, Any] | None = None
    ) -> MemoryRecord: ...

    async def recall(
        self, scope: MemoryScope, query: str, limit: int = 10
    ) -> list[MemoryRecord]: ...

    async def list_all(self, scope: MemoryScope) -> list[MemoryRecord]: ...

    async def forget(self, scope: MemoryScope, memory_id: str) -> bool: ...

    async def clear(self, scope: MemoryScope) -> int: ...
