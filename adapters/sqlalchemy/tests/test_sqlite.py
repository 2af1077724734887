"""SQLite specifics: WAL, one writer under concurrency, a shared in-memory database, UTC times."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.ports.persistence import ExecutionQuery, ExecutionUpdate
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_testing.contracts.persistence.records import at, execution

pytestmark = pytest.mark.integration


@pytest.fixture
async def file_backend(tmp_path: Path) -> AsyncIterator[SqlAlchemyPersistence]:
    async with SqlAlchemyPersistence(
        f"sqlite+aiosqlite:///{tmp_path}/gateway.db", migrate="upgrade", pool_size=4
    ) as backend:
        yield backend


async def test_file_database_uses_wal(file_backend: SqlAlchemyPersistence, tmp_path: Path) -> None:
    await file_backend.executions.create(execution())
    raw = sqlite3.connect(tmp_path / "gateway.db")
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        raw.close()


async def run_one(backend: SqlAlchemyPersistence, n: int) -> None:
    """What one invoke writes: the record, a start, some events, the end."""
    record = execution(agent_id=f"agent-{n % 3}")
    await backend.executions.create(record)
    await backend.executions.transition(
        record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1))
    )
    for step in range(3):
        await backend.executions.append_events(
            record.id, [NewEvent(type=EventType.MODEL_DELTA, at=at(2), data={"step": step})]
        )
    await backend.executions.transition(
        record.id, ExecutionUpdate(status=ExecutionStatus.SUCCEEDED, at=at(3), raw_text="done")
    )


async def test_sixteen_concurrent_invokes_never_hit_database_is_locked(
    file_backend: SqlAlchemyPersistence,
) -> None:
    await asyncio.gather(*(run_one(file_backend, n) for n in range(16)))
    page = await file_backend.executions.query(
        ExecutionQuery(status=ExecutionStatus.SUCCEEDED, limit=100)
    )
    assert page.total == 16
    for record in page.items:
        assert len(await file_backend.executions.list_events(record.id)) == 3


async def test_in_memory_database_is_shared_by_concurrent_calls() -> None:
    async with SqlAlchemyPersistence("sqlite+aiosqlite:///:memory:") as backend:
        await asyncio.gather(*(run_one(backend, n) for n in range(8)))
        assert (await backend.executions.query(ExecutionQuery())).total == 8


async def test_times_come_back_as_the_same_instant_in_utc(
    file_backend: SqlAlchemyPersistence,
) -> None:
    paris = timezone(timedelta(hours=2))
    local = datetime(2024, 6, 1, 14, 30, 15, 123456, tzinfo=paris)
    record = execution(created_at=local)
    await file_backend.executions.create(record)
    stored = await file_backend.executions.get(record.id)
    assert stored is not None
    assert stored.created_at == local
    assert stored.created_at.tzinfo == UTC
    assert stored.created_at.hour == 12


async def test_naive_times_are_taken_as_utc(file_backend: SqlAlchemyPersistence) -> None:
    record = execution(created_at=datetime(2024, 6, 1, 12, 0))
    await file_backend.executions.create(record)
    stored = await file_backend.executions.get(record.id)
    assert stored is not None
    assert stored.created_at == datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    since = await file_backend.executions.query(
        ExecutionQuery(since=datetime(2024, 6, 1, 13, 0, tzinfo=timezone(timedelta(hours=1))))
    )
    assert [r.id for r in since.items] == [record.id]  # 13:00+01:00 is 12:00 UTC, inclusive
