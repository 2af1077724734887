"""MemoryManager on SQLAlchemy: one row per memory, one per content in a scope.

The statements are built here for both dialects (the SQLite manager compiles the same ones).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, Select, bindparam, delete, select
from sqlalchemy.sql.dml import Delete, Insert

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.domain.ids import new_record_id
from agent_gateway_core.domain.memory import (
    MemoryRecord,
    MemoryScope,
    MemorySource,
    MemoryType,
    NewMemory,
)
from agent_gateway_core.memory.relevance import rank_by_relevance, words
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.models.memories import CONTENT_KEY, scope_key
from agent_gateway_sqlalchemy.models.metadata import Tables
from agent_gateway_sqlalchemy.postgres.statements import insert_new

if TYPE_CHECKING:  # the async engine loads SQLAlchemy's ORM: not for the SQLite path
    from sqlalchemy.ext.asyncio import AsyncConnection


class MemoryStatements:
    """The statements of a MemoryManager on ``memories``.

    Those of one scope bind it as ``agent_id`` and ``scope_key`` (see :func:`scope_values`);
    ``user_ids`` binds ``agent_id`` only. ``insert`` takes :func:`memory_row` and returns a
    row only if it stored one; ``existing`` binds ``content_hash``; ``newest`` binds
    ``limit``; ``forget`` binds ``id``.
    """

    def __init__(self, tables: Tables, dialect: str) -> None:
        memories = tables.memories
        in_scope = (
            memories.agent_id == bindparam("agent_id"),
            memories.scope_key == bindparam("scope_key"),
        )
        # Every column but seq, which the database numbers. No row comes back when the scope
        # holds this content, or another writer is storing it (the unique key makes this one
        # wait for that one's commit, then skip).
        stored = [c for c in memories.__table__.c if c.name != "seq"]
        self.insert: Insert = insert_new(dialect, memories, CONTENT_KEY).values(
            {c.name: bindparam(c.name, type_=c.type) for c in stored}
        )
        self.existing: Select[Any] = select(memories).where(
            *in_scope, memories.content_hash == bindparam("content_hash")
        )
        self.oldest_first: Select[Any] = select(memories).where(*in_scope).order_by(memories.seq)
        self.newest: Select[Any] = (
            select(memories)
            .where(*in_scope)
            .order_by(memories.seq.desc())
            .limit(bindparam("limit", type_=Integer()))
        )
        self.forget: Delete = delete(memories).where(*in_scope, memories.id == bindparam("id"))
        self.clear: Delete = delete(memories).where(*in_scope)
        self.user_ids: Select[Any] = (
            select(memories.user_id).where(memories.agent_id == bindparam("agent_id")).distinct()
        )


def scope_values(scope: MemoryScope) -> dict[str, Any]:
    """The values binding a statement to ``scope``."""
    return {"agent_id": scope.agent_id, "scope_key": scope_key(scope.user_id)}


def content_hash(content: str) -> str:
    """The digest that stands for ``content`` in the scope's unique key."""
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()


def new_memory(
    content: str,
    metadata: dict[str, Any] | None,
    memory_type: MemoryType,
    importance: float,
    source: MemorySource,
) -> NewMemory:
    """The arguments of ``remember`` as one value, checked (content, importance 0 to 1)."""
    return NewMemory(
        content=content,
        metadata=metadata or {},
        memory_type=memory_type,
        importance=importance,
        source=source,
    )


def memory_row(scope: MemoryScope, memory: NewMemory, created_at: datetime) -> dict[str, Any]:
    """The columns of ``memory`` stored now in ``scope`` under a new id (all but ``seq``).

    ``memory`` is checked again (one built with ``model_construct`` never was): a
    ``ValueError`` before anything is written. The metadata is stored as its JSON form, so
    the record returned is the one read later.
    """
    memory = NewMemory.model_validate(memory.model_dump())
    values = memory.model_dump(mode="json")
    return {
        **scope_values(scope),
        "id": new_record_id(),
        "user_id": scope.user_id,
        "content": memory.content,
        "content_hash": content_hash(memory.content),
        "memory_type": memory.memory_type.value,
        "importance": memory.importance,
        "source": memory.source.value,
        "metadata": values["metadata"],
        "created_at": created_at.astimezone(UTC),
    }


def memory_record(row: Mapping[str, Any]) -> MemoryRecord:
    """The record of a stored row (or of :func:`memory_row`'s values)."""
    return MemoryRecord(
        id=row["id"],
        scope=MemoryScope(agent_id=row["agent_id"], user_id=row["user_id"]),
        content=row["content"],
        metadata=row["metadata"],
        created_at=row["created_at"],
        memory_type=MemoryType(row["memory_type"]),
        importance=row["importance"],
        source=MemorySource(row["source"]),
    )


def rank(oldest_first: Iterable[Mapping[str, Any]], query: str, limit: int) -> list[MemoryRecord]:
    """The records of a scope's rows ranked for ``query``, as every memory backend does."""
    return rank_by_relevance([memory_record(row) for row in oldest_first], query, limit)


def scopes_of(agent_id: str, user_ids: Iterable[str | None]) -> list[MemoryScope]:
    """The scopes of ``agent_id`` holding memories: agent-wide first, then users by id.

    Sorted here, not by the database, so every database (and collation) gives one order.
    """
    ordered = sorted(user_ids, key=lambda user_id: (user_id is not None, user_id or ""))
    return [MemoryScope(agent_id=agent_id, user_id=user_id) for user_id in ordered]


class SqlAlchemyMemoryManager(MemoryManager):
    """Memories in ``memories``; each scope is its rows of ``(agent_id, scope_key)``.

    Saving is one ``INSERT ... ON CONFLICT (agent_id, scope_key, content_hash) DO NOTHING
    RETURNING``; when it stores nothing, the memory already there is read and returned. Of
    concurrent saves of one content, from any number of processes, PostgreSQL makes the later
    ones wait for the first's commit, so exactly one row is stored and every save returns it.
    ``replace`` deletes and saves in one transaction, so a reader (one statement, one
    snapshot) sees the scope before or after it. Recall reads the scope oldest first and
    ranks it with :func:`~agent_gateway_core.memory.relevance.rank_by_relevance`, as every
    backend does; with no query words it reads only the newest ``limit`` rows.
    """

    def __init__(self, database: Database, clock: Clock | None = None) -> None:
        self._db = database
        self._clock = clock or SystemClock()
        self._statements = MemoryStatements(database.tables, database.dialect)

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
        memory = new_memory(content, metadata, memory_type, importance, source)
        row = memory_row(scope, memory, self._clock.now())
        async with self._db.write() as connection:
            return await self._store(connection, row)

    async def recall(self, scope: MemoryScope, query: str, limit: int = 10) -> list[MemoryRecord]:
        if limit <= 0:
            return []
        values = scope_values(scope)
        async with self._db.read() as connection:
            if not words(query):  # the newest ones: no need to read the others
                rows = await connection.execute(self._statements.newest, values | {"limit": limit})
                return [memory_record(row._asdict()) for row in rows]
            rows = await connection.execute(self._statements.oldest_first, values)
            return rank((row._asdict() for row in rows), query, limit)

    async def list_all(self, scope: MemoryScope) -> list[MemoryRecord]:
        async with self._db.read() as connection:
            rows = await connection.execute(self._statements.oldest_first, scope_values(scope))
            return [memory_record(row._asdict()) for row in rows]

    async def forget(self, scope: MemoryScope, memory_id: str) -> bool:
        async with self._db.write() as connection:
            result = await connection.execute(
                self._statements.forget, scope_values(scope) | {"id": memory_id}
            )
        return result.rowcount > 0

    async def clear(self, scope: MemoryScope) -> int:
        async with self._db.write() as connection:
            result = await connection.execute(self._statements.clear, scope_values(scope))
        return result.rowcount

    async def scopes(self, agent_id: str) -> list[MemoryScope]:
        async with self._db.read() as connection:
            user_ids = await connection.scalars(self._statements.user_ids, {"agent_id": agent_id})
            return scopes_of(agent_id, user_ids)

    async def replace(
        self, scope: MemoryScope, remove_ids: Sequence[str], add: Sequence[NewMemory]
    ) -> list[MemoryRecord]:
        values = scope_values(scope)
        now = self._clock.now()
        rows = [memory_row(scope, memory, now) for memory in add]
        async with self._db.transaction() as connection:
            if remove_ids:
                await connection.execute(
                    self._statements.forget, [values | {"id": each} for each in remove_ids]
                )
            return [await self._store(connection, row) for row in rows]

    async def _store(self, connection: AsyncConnection, row: dict[str, Any]) -> MemoryRecord:
        """Insert ``row``, or return the memory of the same content already in its scope."""
        statements = self._statements
        while True:
            if (await connection.execute(statements.insert, row)).first() is not None:
                return memory_record(row)
            existing = (await connection.execute(statements.existing, row)).first()
            if existing is not None:
                return memory_record(existing._asdict())
            # That memory was deleted between the two statements: store this one again.
