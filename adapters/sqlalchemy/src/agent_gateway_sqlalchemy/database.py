"""Database: how the PostgreSQL stores get a connection, with errors translated."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the async engine (and the ORM it pulls in) loads only for PostgreSQL
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from agent_gateway_sqlalchemy.errors import translated_errors
from agent_gateway_sqlalchemy.models import Tables


class Database:
    """Connections for the stores on the async engine; every driver error leaves as a core error.

    - ``read()``: a connection for queries, in autocommit, so a query is one round trip with
      no BEGIN/ROLLBACK around it.
    - ``write()``: one statement that is atomic on its own; autocommit too.
    - ``transaction()``: several statements that commit together or not at all.

    (SQLite has its own path: :mod:`agent_gateway_sqlalchemy.sqlite`.)
    """

    def __init__(self, engine: AsyncEngine, tables: Tables, *, name: str) -> None:
        self.engine = engine
        self.tables = tables
        self.name = name
        self.dialect = engine.dialect.name
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        # PostgreSQL's default level, asked for explicitly: the pool's connections rest in
        # autocommit (see engine.py), where BEGIN would start no transaction.
        self._transactional = (
            engine.execution_options(isolation_level="READ COMMITTED")
            if self.dialect == "postgresql"
            else engine
        )

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self._connect(self._autocommit) as connection:
            yield connection

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        async with self._begin(self._autocommit) as connection:
            yield connection

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        async with self._begin(self._transactional) as connection:
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
