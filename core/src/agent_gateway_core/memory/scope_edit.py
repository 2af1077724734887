"""One change to a scope's memories, computed without touching storage.

Backends that hold a whole scope at once (in memory, or one file) share this, so removal,
dedupe and id rules are the same everywhere: the backend reads the scope, calls
:func:`edit_scope`, and stores ``records`` in one step only if ``changed``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from agent_gateway_core.domain.memory import MemoryRecord, MemoryScope, NewMemory


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopeEdit:
    records: list[MemoryRecord]  # the scope afterwards, oldest first
    stored: list[MemoryRecord]  # one per ``add``, in order (an existing one for a duplicate)
    removed: int
    created: int

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.created)


def edit_scope(
    current: Sequence[MemoryRecord],
    scope: MemoryScope,
    remove_ids: Iterable[str],
    add: Sequence[NewMemory],
    *,
    created_at: Callable[[], datetime],
    new_id: Callable[[], str],
) -> ScopeEdit:
    """``current`` (oldest first) without ``remove_ids``, then ``add`` appended.

    Content already in the scope after removal is not stored again: its record is returned.
    New ids never repeat an id of ``current``, removed ones included, so a reader holding an
    old listing cannot mistake a new record for a removed one. Raises (pydantic's
    ``ValidationError``, a ``ValueError``) before anything is decided if a memory is invalid.
    """
    removing = frozenset(remove_ids)
    kept = [record for record in current if record.id not in removing]
    by_content = {record.content: record for record in kept}
    used_ids = {record.id for record in current}
    stored: list[MemoryRecord] = []
    created = 0
    for memory in add:
        record = by_content.get(memory.content)
        if record is None:
            record_id = new_id()
            while record_id in used_ids:
                record_id = new_id()
            # Built through validation: NewMemory.model_construct() can carry bad values.
            record = MemoryRecord(
                id=record_id,
                scope=scope,
                content=memory.content,
                metadata=dict(memory.metadata),
                created_at=created_at(),
                memory_type=memory.memory_type,
                importance=memory.importance,
                source=memory.source,
            )
            used_ids.add(record_id)
            by_content[record.content] = record
            kept.append(record)
            created += 1
        stored.append(record)
    return ScopeEdit(
        records=kept, stored=stored, removed=len(current) - (len(kept) - created), created=created
    )
