"""Fixtures: PostgreSQL schemas made and dropped per test module, a secret box, a TCP proxy,
and a trace of every SQLite statement with the thread that ran it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from agent_gateway_core.in_memory.secret_box import HmacSecretBox
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_sqlalchemy.migrations import upgrade
from agent_gateway_sqlalchemy.models import build_metadata

POSTGRES_URL = os.environ.get(
    "AGENT_GATEWAY_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
SECRET_KEY = b"adapter-tests-secret-key"


@dataclass(frozen=True)
class PostgresTarget:
    """A schema (and table prefix) of the test database that exists for one test module."""

    url: str
    schema: str
    table_prefix: str = ""


def unique_schema() -> str:
    return f"agw_test_{uuid.uuid4().hex[:12]}"


async def drop_schema(schema: str) -> None:
    engine = create_async_engine(POSTGRES_URL, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await engine.dispose()


def run_in_thread(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run ``coroutine`` to completion on a loop of its own (for module-scoped setup)."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@contextlib.contextmanager
def migrated_schema(table_prefix: str = "") -> Iterator[PostgresTarget]:
    """A new schema at head for the duration of the block, dropped afterwards."""
    target = PostgresTarget(POSTGRES_URL, unique_schema(), table_prefix)
    run_in_thread(upgrade(target.url, schema=target.schema, table_prefix=target.table_prefix))
    try:
        yield target
    finally:
        run_in_thread(drop_schema(target.schema))


@dataclass(frozen=True)
class TracedStatement:
    sql: str
    thread: int


class SqliteTrace:
    """Statements run on the sqlite3 connections opened while the fixture is active."""

    def __init__(self) -> None:
        self.statements: list[TracedStatement] = []

    def record(self, sql: str) -> None:
        # SQLite calls this on the thread that runs the statement.
        self.statements.append(TracedStatement(sql, threading.get_ident()))

    def take(self) -> list[TracedStatement]:
        taken, self.statements = self.statements, []
        return taken


@pytest.fixture
def sqlite_trace(monkeypatch: pytest.MonkeyPatch) -> SqliteTrace:
    """Wraps the driver's ``sqlite3.connect`` so every new connection reports its statements."""
    trace = SqliteTrace()
    connect = sqlite3.connect

    def traced_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(trace.record)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced_connect)
    return trace


@pytest.fixture
def secret_box() -> HmacSecretBox:
    return HmacSecretBox(SECRET_KEY)


@pytest.fixture
def fresh_schema() -> Iterator[str]:
    """An unused schema name, dropped after the test whatever it created."""
    schema = unique_schema()
    yield schema
    run_in_thread(drop_schema(schema))


async def empty_tables(target: PostgresTarget) -> None:
    """Delete every row of every table of ``target``, children first.

    (DELETE, not TRUNCATE: on tables this small it is many times faster.)
    """
    tables = build_metadata(target.table_prefix, target.schema).metadata.sorted_tables
    engine = create_async_engine(target.url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            for table in reversed(tables):
                await connection.execute(table.delete())
    finally:
        await engine.dispose()


async def postgres_backend(
    target: PostgresTarget, secret_box: HmacSecretBox
) -> SqlAlchemyPersistence:
    await empty_tables(target)
    backend = SqlAlchemyPersistence(
        target.url,
        schema=target.schema,
        table_prefix=target.table_prefix,
        secret_box=secret_box,
        pool_size=4,
    )
    await backend.initialize()
    return backend


class TcpProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL; ``stop()`` cuts every connection, like an outage."""

    def __init__(self, upstream_port: int = 5432) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.close()
            return
        self._writers.update({writer, up_writer})
        await asyncio.gather(
            self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()
            self._writers.discard(writer)


@pytest.fixture
async def tcp_proxy() -> AsyncIterator[TcpProxy]:
    proxy = TcpProxy()
    await proxy.start()
    yield proxy
    await proxy.stop()
