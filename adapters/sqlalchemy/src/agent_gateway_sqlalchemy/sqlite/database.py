"""SqliteDatabase: one SQLite connection, used only on a thread of its own."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import make_url
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.sql import ClauseElement

from agent_gateway_sqlalchemy.engine import sqlite_pragmas
from agent_gateway_sqlalchemy.errors import translated_errors
from agent_gateway_sqlalchemy.models import Tables
from agent_gateway_sqlalchemy.settings import PersistenceSettings
from agent_gateway_sqlalchemy.sqlite.statement import SqliteStatement
from agent_gateway_sqlalchemy.sqlite.thread import ConnectionThread

T = TypeVar("T")

THREAD_NAME = "agent-gateway-sqlite"
_BUSY_RETRY_SECONDS = 0.005


class SqliteDatabase:
    """Every SQLite call of a backend, made on one dedicated thread.

    A store call is one function ``work(connection)`` handed to that thread: one hop from the
    event loop, whatever number of statements it runs, and no SQLite call on the loop. Being
    alone on its connection, the thread is the only writer of this process, so writes never
    meet "database is locked" from each other; reads share the thread (in WAL mode they never
    wait for another process's writer). :meth:`run` is for reads and single statements, in
    autocommit; :meth:`write` is for writes, atomic and group-committed with the writes queued
    beside them (see :class:`ConnectionThread`).

    The thread and the connection start on first use and stop at :meth:`aclose` (the next use
    starts them again; an in-memory database then starts empty). Driver errors leave as core
    errors naming the database.
    """

    def __init__(self, settings: PersistenceSettings, tables: Tables, *, name: str) -> None:
        self.settings = settings
        self.tables = tables
        self.name = name
        self.dialect = SQLiteDialect_pysqlite(dbapi=sqlite3)
        # The file as SQLAlchemy resolves it (made absolute; "file:" URIs with uri=true).
        url = make_url(settings.url).set(drivername="sqlite+pysqlite")
        (self._file, *_), options = self.dialect.create_connect_args(url)
        self._uri = bool(options.get("uri", False))
        self._thread: ConnectionThread | None = None

    def compile(self, statement: ClauseElement) -> SqliteStatement:
        """``statement`` compiled for this database, to run on the thread."""
        return SqliteStatement(statement, self.dialect)

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(connection)`` on the database's thread; driver errors become core errors."""
        with translated_errors(self.name):
            return await self._started().submit(work)

    async def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(connection)`` as one atomic write on the database's thread: its statements
        commit together or not at all, and are durable when this returns."""
        with translated_errors(self.name):
            return await self._started().write(work)

    async def aclose(self) -> None:
        """Close the connection and stop the thread, after the calls already handed to it."""
        thread, self._thread = self._thread, None
        if thread is not None:
            with translated_errors(self.name):
                await thread.close()

    def _started(self) -> ConnectionThread:
        if self._thread is None:
            self._thread = ConnectionThread(THREAD_NAME, self._open)
        return self._thread

    def _open(self) -> sqlite3.Connection:
        if not self._uri and not self.settings.in_memory:  # SQLite creates no folder itself
            Path(self._file).parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            self._file,
            timeout=self.settings.statement_timeout_seconds,  # the busy timeout
            isolation_level=None,  # autocommit; transactions are explicit
            check_same_thread=True,  # this thread only, and it is enforced
            cached_statements=256,
            uri=self._uri,
        )
        deadline = time.monotonic() + self.settings.statement_timeout_seconds
        try:
            for pragma in sqlite_pragmas(self.settings):
                _execute_when_unlocked(connection, pragma, deadline)
        except BaseException:
            connection.close()
            raise
        return connection


def _execute_when_unlocked(connection: sqlite3.Connection, sql: str, deadline: float) -> None:
    """``sql``, tried again while the database is busy, until ``deadline``.

    Two processes opening a new file at once both ask to switch it to WAL; each holds the
    lock the other needs, so SQLite answers "database is locked" at once instead of waiting
    for its busy timeout. This waits as the busy timeout would (on the database's thread).
    """
    while True:
        try:
            connection.execute(sql)
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
            time.sleep(_BUSY_RETRY_SECONDS)
