"""A database that is down, silent, slow or locked: BackendUnavailableError, then recovery."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.persistence import ExecutionUpdate
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_sqlalchemy.migrations import current, upgrade
from agent_gateway_testing.contracts.persistence.records import at, execution
from agent_gateway_testing.tcp_relay import TcpRelay

from .conftest import PostgresTarget, migrated_schema

pytestmark = pytest.mark.integration

UNREACHABLE = "postgresql+asyncpg://postgres:s3cret-pw@127.0.0.1:1/test"


@pytest.fixture(scope="module")
def target() -> Iterator[PostgresTarget]:
    with migrated_schema() as migrated:
        yield migrated


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A port that accepts connections and never says a word."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_unreachable_postgres_raises_backend_unavailable_naming_it_without_password() -> None:
    backend = SqlAlchemyPersistence(UNREACHABLE, connect_timeout_seconds=1.0)
    try:
        with pytest.raises(BackendUnavailableError) as raised:
            await backend.initialize()
        with pytest.raises(BackendUnavailableError, match=r"127\.0\.0\.1:1"):
            await backend.executions.get("any")
    finally:
        await backend.aclose()
    message = str(raised.value)
    assert "PostgreSQL at postgresql+asyncpg://postgres:***@127.0.0.1:1/test" in message
    assert "s3cret-pw" not in message
    assert "refused" in message.lower() or "connect" in message.lower()


async def test_ping_of_an_unreachable_postgres_fails_fast() -> None:
    backend = SqlAlchemyPersistence(UNREACHABLE, connect_timeout_seconds=1.0)
    started = time.monotonic()
    try:
        with pytest.raises(BackendUnavailableError, match=r"127\.0\.0\.1:1"):
            await backend.ping()
    finally:
        await backend.aclose()
    assert time.monotonic() - started < 1.0 + 1.0


async def test_ping_of_a_silent_server_gives_up_after_the_connect_timeout(silent_port: int) -> None:
    backend = SqlAlchemyPersistence(
        f"postgresql+asyncpg://postgres@127.0.0.1:{silent_port}/test", connect_timeout_seconds=0.5
    )
    started = time.monotonic()
    try:
        with pytest.raises(BackendUnavailableError, match=str(silent_port)):
            await backend.ping()
    finally:
        await backend.aclose()
    assert time.monotonic() - started < 0.5 + 1.0


async def test_migration_helpers_raise_backend_unavailable() -> None:
    with pytest.raises(BackendUnavailableError, match=r"postgres:\*\*\*@127\.0\.0\.1:1"):
        await upgrade(UNREACHABLE)
    with pytest.raises(BackendUnavailableError, match=r"127\.0\.0\.1:1"):
        await current(UNREACHABLE)


async def test_backend_recovers_by_itself_when_the_database_comes_back(
    target: PostgresTarget, tcp_proxy: TcpRelay
) -> None:
    url = target.url.replace("127.0.0.1:5432", f"127.0.0.1:{tcp_proxy.port}")
    async with SqlAlchemyPersistence(
        url, schema=target.schema, connect_timeout_seconds=1.0
    ) as backend:
        record = execution()
        await backend.executions.create(record)
        await tcp_proxy.cut()  # the database goes away, pooled connections die with it
        with pytest.raises(BackendUnavailableError, match=str(tcp_proxy.port)):
            await backend.executions.get(record.id)
        with pytest.raises(BackendUnavailableError):
            await backend.ping()
        await tcp_proxy.start()  # ... and comes back on the same address
        assert await backend.executions.get(record.id) == record
        await backend.ping()


async def test_statement_timeout_raises_backend_unavailable(target: PostgresTarget) -> None:
    async with SqlAlchemyPersistence(target.url, schema=target.schema) as holder:
        record = execution()
        await holder.executions.create(record)
        async with SqlAlchemyPersistence(
            target.url, schema=target.schema, statement_timeout_seconds=0.3
        ) as impatient:
            # A long append holds the execution row's lock; the impatient transition waits on it.
            lock_holder = asyncio.create_task(_hold_row_lock(target, record.id))
            await asyncio.sleep(0.2)
            with pytest.raises(BackendUnavailableError, match="statement timeout"):
                await impatient.executions.transition(
                    record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1))
                )
            await lock_holder


async def _hold_row_lock(target: PostgresTarget, execution_id: str) -> None:
    engine = create_async_engine(target.url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(f'SELECT 1 FROM "{target.schema}".executions WHERE id = :id FOR UPDATE'),
                {"id": execution_id},
            )
            await asyncio.sleep(1.0)
    finally:
        await engine.dispose()


async def test_sqlite_locked_by_another_process_raises_backend_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    async with SqlAlchemyPersistence(
        f"sqlite+aiosqlite:///{path}", migrate="upgrade", statement_timeout_seconds=0.2
    ) as backend:
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another writer holds the database
            with pytest.raises(BackendUnavailableError, match="locked"):
                await backend.executions.create(execution())
        finally:
            other.close()
        record = execution()
        await backend.executions.create(record)  # released: writes go through again
        assert await backend.executions.get(record.id) == record
