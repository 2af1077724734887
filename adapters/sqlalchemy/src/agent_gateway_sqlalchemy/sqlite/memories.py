"""MemoryManager on SQLite: each call is one function on the database's thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.domain.memory import (
    MemoryRecord,
    MemoryScope,
    MemorySource,
    MemoryType,
    NewMemory,
)
from agent_gateway_core.memory.relevance import words
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_sqlalchemy.postgres.memories import (
    MemoryStatements,
    memory_record,
    memory_row,
    new_memory,
    rank,
    scope_values,
    scopes_of,
)
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase


class SqliteMemoryManager(MemoryManager):
    """The PostgreSQL manager's statements, each call one function on the thread.

    Saving runs ``INSERT ... ON CONFLICT (agent_id, scope_key, content_hash) DO NOTHING
    RETURNING`` and, when it stores nothing, reads the memory already there, in one write
    transaction: SQLite lets one writer at a time into the file, so of concurrent saves of one
    content, in this process or another, exactly one stores a row and every save returns it.
    ``replace`` is one write transaction too; readers in other processes (WAL) see the scope
    as it was before it or after it.
    """

    def __init__(self, database: SqliteDatabase, clock: Clock | None = None) -> None:
        self._db = database
        self._clock = clock or SystemClock()
        statements = MemoryStatements(database.tables, "sqlite")
        compile_ = database.compile
        self._insert = compile_(statements.insert)
        self._existing = compile_(statements.existing)
        self._oldest_first = compile_(statements.oldest_first)
        self._newest = compile_(statements.newest)
        self._forget = compile_(statements.forget)
        self._clear = compile_(statements.clear)
        self._user_ids = compile_(statements.user_ids)

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
        return await self._db.write(lambda connection: self._store(connection, row))

    async def recall(self, scope: MemoryScope, query: str, limit: int = 10) -> list[MemoryRecord]:
        if limit <= 0:
            return []
        values = scope_values(scope)
        if not words(query):  # the newest ones: no need to read the others
            values["limit"] = limit
            rows = await self._db.run(lambda connection: self._newest.all(connection, values))
            return [memory_record(row) for row in rows]
        rows = await self._db.run(lambda connection: self._oldest_first.all(connection, values))
        return rank(rows, query, limit)

    async def list_all(self, scope: MemoryScope) -> list[MemoryRecord]:
        values = scope_values(scope)
        rows = await self._db.run(lambda connection: self._oldest_first.all(connection, values))
        return [memory_record(row) for row in rows]

    async def forget(self, scope: MemoryScope, memory_id: str) -> bool:
        values = scope_values(scope) | {"id": memory_id}
        deleted = await self._db.run(lambda connection: self._forget.run(connection, values))
        return deleted > 0

    async def clear(self, scope: MemoryScope) -> int:
        values = scope_values(scope)
        return await self._db.run(lambda connection: self._clear.run(connection, values))

    async def scopes(self, agent_id: str) -> list[MemoryScope]:
        values = {"agent_id": agent_id}
        rows = await self._db.run(lambda connection: self._user_ids.all(connection, values))
        return scopes_of(agent_id, (row["user_id"] for row in rows))

    async def replace(
        self, scope: MemoryScope, remove_ids: Sequence[str], add: Sequence[NewMemory]
    ) -> list[MemoryRecord]:
        values = scope_values(scope)
        now = self._clock.now()
        rows = [memory_row(scope, memory, now) for memory in add]

        def replace(connection: sqlite3.Connection) -> list[MemoryRecord]:
            self._forget.run_many(connection, (values | {"id": each} for each in remove_ids))
            return [self._store(connection, row) for row in rows]

        return await self._db.write(replace)

    def _store(self, connection: sqlite3.Connection, row: dict[str, Any]) -> MemoryRecord:
        """Insert ``row``, or return the memory of the same content already in its scope."""
        while True:
            if self._insert.first(connection, row) is not None:
                return memory_record(row)
            existing = self._existing.first(connection, row)
            if existing is not None:
                return memory_record(existing)
            # Not reached in a write transaction, where no other writer can delete it.
