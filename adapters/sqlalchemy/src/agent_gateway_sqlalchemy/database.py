"""Database: how stores get a connection, with one writer on SQLite and errors translated."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from agent_gateway_sqlalchemy.errors import translated_errors
from agent_gateway_sqlalchemy.models import Tables


class Database:
    """Connections for the stores; every driver error leaves as a core error.

    - ``read()``: a connection for queries. On PostgreSQL it runs in autocommit, so a query is
      one round trip with no BEGIN/ROLLBACK around it.
    - ``write()``: one statement that is atomic on its own; autocommit on PostgreSQL too.
    - ``transaction()``: several statements that commit together or not at all.

    SQLite allows one writer at a time, so writes queue on an asyncio lock instead of failing
    with "database is locked". An in-memory database has a single shared connection, so reads
    take the lock as well: a transaction in progress must not be seen, or rolled back, by a
    read that happens to share its connection.
    """

    def __init__(self, engine: AsyncEngine, tables: Tables, *, name: str) -> None:
        self.engine = engine
        self.tables = tables
        self.name = name
        self.dialect = engine.dialect.name
        sqlite = self.dialect == "sqlite"
        shared_connection = sqlite and engine.url.database in (None, "", ":memory:")
        lock = asyncio.Lock()
        self._write_lock: contextlib.AbstractAsyncContextManager[object] = (
            lock if sqlite else contextlib.nullcontext()
        )
        self._read_lock: contextlib.AbstractAsyncContextManager[object] = (
            lock if shared_connection else contextlib.nullcontext()
        )
        self._autocommit = (
            engine.execution_options(isolation_level="AUTOCOMMIT") if not sqlite else engine
        )

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self._read_lock, self._connect(self._autocommit) as connection:
            yield connection

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        async with self._write_lock, self._begin(self._autocommit) as connection:
            yield connection

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        async with self._write_lock, self._begin(self.engine) as connection:
            yield connection

    @contextlib.asynccontextmanager
    async def _connect(self, engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
        with translated_errors(self.name):
            async with engine.connect() as connection:
                yield connection

    @contextlib.asynccontextmanager
    async def _begin(self, engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
        with translated_errors(self.name):
            async with engine.begin() as connection:
                yield connection
