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
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from agent_gateway_core.in_memory.secret_box import HmacSecretBox
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_sqlalchemy.migrations import upgrade
from agent_gateway_sqlalchemy.models import build_metadata
from agent_gateway_testing.tcp_relay import TcpRelay

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


@pytest.fixture(params=["sqlite", "postgres"])
def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """Where several backends meet, as the processes of one deployment do: a new SQLite file
    or a new PostgreSQL schema (dropped after), as ``SqlAlchemyPersistence`` options."""
    if request.param == "sqlite":
        return {"url": f"sqlite+aiosqlite:///{tmp_path}/shared.db"}
    return {"url": POSTGRES_URL, "schema": request.getfixturevalue("fresh_schema")}


@pytest.fixture
async def two_backends(
    shared_database: dict[str, Any],
) -> AsyncIterator[tuple[SqlAlchemyPersistence, SqlAlchemyPersistence]]:
    """Two backends on one database, each with its own connections (and, on SQLite, its own
    thread), as two gateway processes would have."""
    backends = [SqlAlchemyPersistence(**shared_database, pool_size=4) for _ in range(2)]
    try:
        for backend in backends:  # one after the other: the first creates the schema
            await backend.initialize()
        yield backends[0], backends[1]
    finally:
        for backend in backends:
            await backend.aclose()


@pytest.fixture
async def tcp_proxy() -> AsyncIterator[TcpRelay]:
    proxy = TcpRelay("127.0.0.1", 5432)
    await proxy.start()
    yield proxy
    await proxy.aclose()
