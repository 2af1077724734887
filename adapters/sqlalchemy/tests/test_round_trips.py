"""Each store call costs the statements it must, and no more (no N+1, one UPDATE per transition).

On PostgreSQL, counted by SQLAlchemy's cursor events. SQLite runs on plain sqlite3 (see
``test_sqlite_thread.py``), so there SQLite's own trace lists every statement.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.domain.notification import DeliveryStatus
from agent_gateway_core.ports.persistence import ExecutionQuery, ExecutionUpdate
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_testing.contracts.persistence.records import (
    at,
    conversation,
    delivery,
    execution,
    idempotency,
    message,
    schedule,
)

from .conftest import POSTGRES_URL, SqliteTrace, TracedStatement

pytestmark = pytest.mark.integration


class StatementLog:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def record(self, *args: Any) -> None:
        self.statements.append(args[2])

    def take(self) -> list[str]:
        taken, self.statements = self.statements, []
        return taken


@pytest.fixture
def statements() -> Iterator[StatementLog]:
    log = StatementLog()
    event.listen(Engine, "before_cursor_execute", log.record)
    yield log
    event.remove(Engine, "before_cursor_execute", log.record)


@pytest.fixture
async def backend(fresh_schema: str) -> AsyncIterator[SqlAlchemyPersistence]:
    async with SqlAlchemyPersistence(
        POSTGRES_URL, schema=fresh_schema, migrate="upgrade"
    ) as persistence:
        yield persistence


async def test_store_calls_use_the_fewest_statements(
    backend: SqlAlchemyPersistence, statements: StatementLog
) -> None:
    record = execution()
    for n in range(5):
        await backend.executions.create(execution(id=f"other-{n}"))
    statements.take()

    await backend.executions.create(record)
    assert len(statements.take()) == 1
    await backend.executions.transition(
        record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1))
    )
    assert len(statements.take()) == 1
    events = [NewEvent(type=EventType.MODEL_DELTA, at=at(2)) for _ in range(5)]
    await backend.executions.append_events(record.id, events)
    assert len(statements.take()) == 2  # reserve the seqs, insert every event at once
    assert len(await backend.executions.list_events(record.id)) == 5
    assert len(statements.take()) == 1
    page = await backend.executions.query(ExecutionQuery(limit=3))
    assert (len(page.items), page.total) == (3, 6)
    assert len(statements.take()) == 1  # the page and its total together

    chat = conversation()
    await backend.conversations.upsert(chat)
    statements.take()
    await backend.conversations.append_messages(
        chat.id, [message(chat.id, "a"), message(chat.id, "b")]
    )
    assert len(statements.take()) == 2
    assert await backend.idempotency.claim(idempotency("k")) is None
    assert len(statements.take()) == 1


async def test_schedule_writes_and_lock_calls_are_one_statement_each(
    backend: SqlAlchemyPersistence, statements: StatementLog
) -> None:
    schedules, locks = backend.schedules, backend.schedule_locks
    assert await locks.acquire("first", 60) is not None
    assert len(statements.take()) == 2  # the first acquire of a process purges old leases

    assert await schedules.create(schedule("a", "x")) is True
    await schedules.save(schedule("a", "x", enabled=False))
    assert await schedules.record_run("a:x", run_at=at(1), execution_id="e1", status="queued")
    assert await schedules.soft_delete("a:x") is True
    assert await schedules.revision() == 3
    lease = await locks.acquire("a:x@2026-01-01T09:00:00+00:00", 60)
    assert lease is not None
    assert await locks.extend(lease, 60) is True
    assert await locks.release(lease) is True
    assert len(statements.take()) == 8


async def test_notification_creates_and_claims_are_one_statement_each(
    backend: SqlAlchemyPersistence, statements: StatementLog
) -> None:
    log = backend.notifications
    pending = delivery(id="d1", status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=at(1))
    assert await log.create(pending) is True
    assert await log.create(pending.model_copy(update={"id": "d2"})) is False
    claimed = await log.claim_due(at(2), owner="inst-1", lease_seconds=30, limit=10)
    assert [d.id for d in claimed] == ["d1"]
    assert await log.get("d1") == claimed[0]
    await log.record(claimed[0].model_copy(update={"status": DeliveryStatus.DELIVERED}))
    assert len(statements.take()) == 5


def kinds(statements: list[TracedStatement]) -> list[str]:
    """Each statement as its kind and table: ``"UPDATE executions"``, ``"BEGIN IMMEDIATE"``."""
    named = []
    for statement in statements:
        sql = " ".join(statement.sql.split())
        verb = re.match(r"BEGIN IMMEDIATE|COMMIT|INSERT INTO \w+|UPDATE \w+|DELETE FROM \w+", sql)
        source = re.search(r"FROM (\w+)", sql)
        named.append(verb[0] if verb else f"SELECT {source[1] if source else ''}".strip())
    return named


async def test_sqlite_store_calls_use_the_fewest_statements(
    tmp_path: Path, sqlite_trace: SqliteTrace
) -> None:
    async with SqlAlchemyPersistence(f"sqlite:///{tmp_path}/trips.db") as backend:
        record = execution()
        for n in range(5):
            await backend.executions.create(execution(id=f"other-{n}"))
        sqlite_trace.take()

        # Each write is one transaction (writes queued together would share it).
        await backend.executions.create(record)
        assert kinds(sqlite_trace.take()) == ["BEGIN IMMEDIATE", "INSERT INTO executions", "COMMIT"]
        await backend.executions.transition(
            record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1))
        )
        assert kinds(sqlite_trace.take()) == ["BEGIN IMMEDIATE", "UPDATE executions", "COMMIT"]
        events = [NewEvent(type=EventType.MODEL_DELTA, at=at(2)) for _ in range(5)]
        await backend.executions.append_events(record.id, events)
        # Reserve the seqs, then one executemany (SQLite traces each of its rows).
        assert kinds(sqlite_trace.take()) == [
            "BEGIN IMMEDIATE",
            "UPDATE executions",
            *["INSERT INTO execution_events"] * 5,
            "COMMIT",
        ]
        assert len(await backend.executions.list_events(record.id)) == 5
        assert kinds(sqlite_trace.take()) == ["SELECT execution_events"]
        # The final transition reserves the seqs of the events that go with it.
        await backend.executions.transition(
            record.id, ExecutionUpdate(status=ExecutionStatus.SUCCEEDED, at=at(3)), events[:2]
        )
        assert kinds(sqlite_trace.take()) == [
            "BEGIN IMMEDIATE",
            "UPDATE executions",
            *["INSERT INTO execution_events"] * 2,
            "COMMIT",
        ]
        page = await backend.executions.query(ExecutionQuery(limit=3))
        assert (len(page.items), page.total) == (3, 6)
        assert kinds(sqlite_trace.take()) == ["SELECT executions"]  # the page and its total

        chat = conversation()
        await backend.conversations.upsert(chat)
        sqlite_trace.take()
        await backend.conversations.append_messages(
            chat.id, [message(chat.id, "a"), message(chat.id, "b")]
        )
        assert kinds(sqlite_trace.take()) == [
            "BEGIN IMMEDIATE",
            "UPDATE conversations",
            "INSERT INTO messages",
            "INSERT INTO messages",
            "COMMIT",
        ]
        assert await backend.idempotency.claim(idempotency("k")) is None
        assert kinds(sqlite_trace.take()) == [
            "BEGIN IMMEDIATE",
            "INSERT INTO idempotency_records",
            "COMMIT",
        ]


async def test_sqlite_schedule_writes_and_lock_calls_are_one_statement_each(
    tmp_path: Path, sqlite_trace: SqliteTrace
) -> None:
    async with SqlAlchemyPersistence(f"sqlite:///{tmp_path}/trips.db") as backend:
        schedules, locks = backend.schedules, backend.schedule_locks
        sqlite_trace.take()
        assert await locks.acquire("first", 60) is not None
        # The first acquire of a process purges old leases.
        assert kinds(sqlite_trace.take()) == [
            "DELETE FROM schedule_locks",
            "INSERT INTO schedule_locks",
        ]

        assert await schedules.create(schedule("a", "x")) is True
        assert kinds(sqlite_trace.take()) == ["INSERT INTO schedules"]
        await schedules.save(schedule("a", "x", enabled=False))
        assert kinds(sqlite_trace.take()) == ["INSERT INTO schedules"]
        assert await schedules.record_run("a:x", run_at=at(1), execution_id="e1", status="queued")
        assert kinds(sqlite_trace.take()) == ["UPDATE schedules"]
        assert await schedules.soft_delete("a:x") is True
        assert kinds(sqlite_trace.take()) == ["UPDATE schedules"]
        assert await schedules.revision() == 3
        assert kinds(sqlite_trace.take()) == ["SELECT schedules"]
        lease = await locks.acquire("a:x@2026-01-01T09:00:00+00:00", 60)
        assert lease is not None
        assert await locks.extend(lease, 60) is True
        assert await locks.release(lease) is True
        assert kinds(sqlite_trace.take()) == [
            "INSERT INTO schedule_locks",
            "UPDATE schedule_locks",
            "DELETE FROM schedule_locks",
        ]


async def test_sqlite_notification_creates_and_claims_are_one_statement_each(
    tmp_path: Path, sqlite_trace: SqliteTrace
) -> None:
    async with SqlAlchemyPersistence(f"sqlite:///{tmp_path}/trips.db") as backend:
        log = backend.notifications
        pending = delivery(
            id="d1", status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=at(1)
        )
        sqlite_trace.take()
        assert await log.create(pending) is True
        assert await log.create(pending.model_copy(update={"id": "d2"})) is False
        assert kinds(sqlite_trace.take()) == ["INSERT INTO notification_deliveries"] * 2
        claimed = await log.claim_due(at(2), owner="inst-1", lease_seconds=30, limit=10)
        assert [d.id for d in claimed] == ["d1"]
        assert kinds(sqlite_trace.take()) == ["UPDATE notification_deliveries"]
        assert await log.get("d1") == claimed[0]
        assert kinds(sqlite_trace.take()) == ["SELECT notification_deliveries"]


async def test_a_pooled_checkout_opens_no_transaction_on_postgresql(
    backend: SqlAlchemyPersistence,
) -> None:
    """The liveness check of a pooled connection is one round trip: asyncpg would wrap it in
    BEGIN ... ROLLBACK unless the connection rests in autocommit, a transaction per call that
    PostgreSQL counts as rolled back."""
    await backend.executions.create(execution(id="e-ping"))
    admin = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", ""))
    try:

        async def rolled_back() -> int:
            # Other backends' counters reach the statistics within a second (PostgreSQL 15).
            await asyncio.sleep(1.2)
            await admin.execute("SELECT pg_stat_clear_snapshot()")
            count: int = await admin.fetchval(
                "SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()"
            )
            return count

        before = await rolled_back()
        for _ in range(20):
            assert await backend.executions.get("e-ping") is not None
        assert await rolled_back() - before == 0
    finally:
        await admin.close()
