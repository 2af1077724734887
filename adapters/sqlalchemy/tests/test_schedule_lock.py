"""The database's ScheduleLock: the contract on SQLite and PostgreSQL, shared by processes,
expired leases purged, bad ttls refused, an unreachable database reported."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.in_memory.secret_box import HmacSecretBox
from agent_gateway_core.ports.schedule_lock import LockLease, ScheduleLock
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_sqlalchemy.models import build_metadata
from agent_gateway_testing.contracts import ScheduleLockContract

from .conftest import PostgresTarget, migrated_schema, postgres_backend

pytestmark = pytest.mark.integration

# A schedule id at its longest (two ids of 255 characters) and a firing time.
LONG_KEY = f"admin:{'a' * 255}:{'n' * 255}@2026-03-29T00:30:00+00:00"


class TestSqliteFileScheduleLock(ScheduleLockContract):
    @pytest.fixture
    async def schedule_lock(self, tmp_path: Path) -> AsyncIterator[ScheduleLock]:
        async with SqlAlchemyPersistence(f"sqlite+aiosqlite:///{tmp_path}/locks.db") as backend:
            yield backend.schedule_locks


@pytest.fixture(scope="module")
def postgres_target() -> Iterator[PostgresTarget]:
    with migrated_schema() as target:
        yield target


class TestPostgresScheduleLock(ScheduleLockContract):
    @pytest.fixture
    async def schedule_lock(
        self, postgres_target: PostgresTarget, secret_box: HmacSecretBox
    ) -> AsyncIterator[ScheduleLock]:
        backend = await postgres_backend(postgres_target, secret_box)
        yield backend.schedule_locks
        await backend.aclose()


async def _acquire(lock: ScheduleLock, key: str, ttl_seconds: float = 30.0) -> LockLease:
    lease = await lock.acquire(key, ttl_seconds)
    assert lease is not None, f"expected to acquire the free key {key!r}"
    return lease


async def test_two_processes_exclude_each_other(
    two_backends: tuple[SqlAlchemyPersistence, SqlAlchemyPersistence],
) -> None:
    first, second = (backend.schedule_locks for backend in two_backends)

    lease = await _acquire(first, LONG_KEY)
    assert await second.acquire(LONG_KEY, 30.0) is None
    assert await second.release(LockLease(LONG_KEY, "guess", 30.0)) is False

    # The lease is the holder's proof, whichever process presents it.
    assert await second.release(lease) is True
    taken = await _acquire(second, LONG_KEY)
    assert await first.acquire(LONG_KEY, 30.0) is None
    assert await first.extend(lease, 30.0) is False
    assert await first.extend(taken, 30.0) is True


async def test_concurrent_acquires_from_two_processes_give_exactly_one_lease(
    two_backends: tuple[SqlAlchemyPersistence, SqlAlchemyPersistence],
) -> None:
    locks = [backend.schedule_locks for backend in two_backends] * 5
    key = "agent-a:daily@2026-03-29T00:30:00+00:00"
    leases = await asyncio.gather(*(lock.acquire(key, 0.2) for lock in locks))
    assert sum(lease is not None for lease in leases) == 1
    await asyncio.sleep(0.3)  # expired: now they race to take its row over
    leases = await asyncio.gather(*(lock.acquire(key, 30.0) for lock in locks))
    assert sum(lease is not None for lease in leases) == 1


async def test_a_lease_row_holds_the_token_and_expires_a_ttl_from_now(
    shared_database: dict[str, Any],
) -> None:
    async with SqlAlchemyPersistence(**shared_database) as backend:
        lease = await _acquire(backend.schedule_locks, "k", ttl_seconds=60.0)
        before = datetime.now(UTC)
        assert await backend.schedule_locks.extend(lease, 120.0) is True
        after = datetime.now(UTC)
    ((key, token, expires_at),) = await _lock_rows(shared_database)
    assert (key, token) == ("k", lease.token)
    # One machine here, so the database's clock and Python's agree to well within a second.
    slack = timedelta(seconds=1)
    assert before + timedelta(seconds=120) - slack <= expires_at
    assert expires_at <= after + timedelta(seconds=120) + slack


async def test_an_acquire_purges_leases_expired_minutes_ago_and_keeps_recent_ones(
    shared_database: dict[str, Any],
) -> None:
    async with SqlAlchemyPersistence(**shared_database):
        pass  # creates the schema
    now = datetime.now(UTC)
    await _insert_lock(shared_database, "fired-an-hour-ago", now - timedelta(hours=1))
    await _insert_lock(shared_database, "fired-just-now", now - timedelta(seconds=1))

    async with SqlAlchemyPersistence(**shared_database) as backend:
        await _acquire(backend.schedule_locks, "next-firing")

    assert sorted(row[0] for row in await _lock_rows(shared_database)) == [
        "fired-just-now",
        "next-firing",
    ]


@pytest.mark.parametrize("ttl", [0.0, -1.0, math.nan, math.inf])
async def test_a_ttl_that_is_not_a_positive_number_is_a_value_error(
    shared_database: dict[str, Any], ttl: float
) -> None:
    async with SqlAlchemyPersistence(**shared_database) as backend:
        locks = backend.schedule_locks
        with pytest.raises(ValueError, match="ttl_seconds must be"):
            await locks.acquire("k", ttl)
        lease = await _acquire(locks, "k")
        with pytest.raises(ValueError, match="ttl_seconds must be"):
            await locks.extend(lease, ttl)


async def test_an_unreachable_database_is_backend_unavailable() -> None:
    backend = SqlAlchemyPersistence(
        "postgresql+asyncpg://postgres@127.0.0.1:1/test", connect_timeout_seconds=1.0
    )
    try:
        with pytest.raises(BackendUnavailableError, match=r"127\.0\.0\.1:1"):
            await backend.schedule_locks.acquire("k", 30.0)
        with pytest.raises(BackendUnavailableError):
            await backend.schedule_locks.release(LockLease("k", "t", 30.0))
    finally:
        await backend.aclose()


async def _insert_lock(database: dict[str, Any], key: str, expires_at: datetime) -> None:
    locks = build_metadata("", database.get("schema")).schedule_locks
    engine = create_async_engine(database["url"], poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(locks).values(key=key, token="t", expires_at=expires_at)
            )
    finally:
        await engine.dispose()


async def _lock_rows(database: dict[str, Any]) -> list[tuple[str, str, datetime]]:
    locks = build_metadata("", database.get("schema")).schedule_locks
    engine = create_async_engine(database["url"], poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(select(locks.key, locks.token, locks.expires_at))
            return [(row.key, row.token, row.expires_at) for row in rows]
    finally:
        await engine.dispose()
