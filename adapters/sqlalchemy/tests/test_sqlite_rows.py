"""The SQLite path stores exactly what SQLAlchemy's own engine stores: files written before it
(through aiosqlite) read back the same, and the other way round."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionStatus, StopReason
from agent_gateway_core.domain.notification import DeliveryStatus
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.ports.persistence import ExecutionQuery, ExecutionUpdate
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.models import build_metadata
from agent_gateway_sqlalchemy.postgres.conversations import SqlAlchemyConversationStore
from agent_gateway_sqlalchemy.postgres.executions import SqlAlchemyExecutionStore
from agent_gateway_sqlalchemy.postgres.notifications import SqlAlchemyNotificationLogStore
from agent_gateway_testing.contracts.persistence.records import (
    conversation,
    delivery,
    execution,
    message,
    notification,
)

pytestmark = pytest.mark.integration

ODD_TIME = datetime(2024, 6, 1, 12, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
async def url(tmp_path: Path) -> AsyncIterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path}/rows.db"
    async with SqlAlchemyPersistence(url, migrate="upgrade"):
        yield url


@pytest.fixture
async def engine_path(url: str) -> AsyncIterator[Database]:
    """SQLAlchemy's async engine on the same file, with the stores PostgreSQL uses."""
    engine = create_async_engine(url, poolclass=NullPool)
    yield Database(engine, build_metadata(), name="async engine")
    await engine.dispose()


def full_update() -> ExecutionUpdate:
    return ExecutionUpdate(
        status=ExecutionStatus.SUCCEEDED,
        at=ODD_TIME,
        result={"answer": [1, 2.5, None, "é"]},
        raw_text="done",
        stop_reason=StopReason.COMPLETED,
        usage=Usage(input_tokens=3, output_tokens=4, cost_usd=0.25, models_used=("a/b",)),
    )


async def test_records_written_through_the_async_engine_read_back_the_same(
    url: str, engine_path: Database
) -> None:
    before = SqlAlchemyExecutionStore(engine_path)
    record = execution(created_at=ODD_TIME, input={"nested": {"list": [1, True]}})
    await before.create(record)
    await before.transition(record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=ODD_TIME))
    finished = await before.transition(record.id, full_update())
    events = await before.append_events(
        record.id, [NewEvent(type=EventType.COMPLETED, at=ODD_TIME, data={"k": ["v"]})]
    )
    chat = conversation(updated_at=ODD_TIME)
    await SqlAlchemyConversationStore(engine_path).upsert(chat)
    await SqlAlchemyConversationStore(engine_path).append_messages(
        chat.id, [message(chat.id, "hi")]
    )

    async with SqlAlchemyPersistence(url) as after:
        assert await after.executions.get(record.id) == finished
        assert await after.executions.list_events(record.id) == events
        since = await after.executions.query(ExecutionQuery(since=ODD_TIME))
        assert [r.id for r in since.items] == [record.id]
        (stored,) = await after.conversations.list_messages(chat.id)
        assert stored.message.content == "hi"


async def test_records_written_by_the_sqlite_path_read_back_the_same_through_the_engine(
    url: str, engine_path: Database
) -> None:
    async with SqlAlchemyPersistence(url) as backend:
        record = execution(created_at=ODD_TIME)
        await backend.executions.create(record)
        await backend.executions.transition(
            record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=ODD_TIME)
        )
        finished = await backend.executions.transition(record.id, full_update())
        events = await backend.executions.append_events(
            record.id, [NewEvent(type=EventType.TOOL_CALL, at=ODD_TIME, data={"x": 1})]
        )

    other = SqlAlchemyExecutionStore(engine_path)
    assert await other.get(record.id) == finished
    assert await other.list_events(record.id) == events


async def test_both_paths_write_the_same_bytes(url: str, engine_path: Database) -> None:
    ids = ("exec_by_engine", "exec_by_sqlite_path")
    running = ExecutionUpdate(status=ExecutionStatus.RUNNING, at=ODD_TIME)
    engine_store = SqlAlchemyExecutionStore(engine_path)
    await engine_store.create(execution(id=ids[0], created_at=ODD_TIME))
    await engine_store.transition(ids[0], running)
    await engine_store.transition(ids[0], full_update())
    async with SqlAlchemyPersistence(url) as backend:
        await backend.executions.create(execution(id=ids[1], created_at=ODD_TIME))
        await backend.executions.transition(ids[1], running)
        await backend.executions.transition(ids[1], full_update())
    raw = sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///"))
    try:
        rows = raw.execute("SELECT * FROM executions ORDER BY id").fetchall()
    finally:
        raw.close()
    by_engine, by_sqlite_path = (row[1:] for row in rows)
    assert by_sqlite_path == by_engine
    assert "2024-06-01 12:30:15.123456" in by_engine


async def test_deliveries_and_their_notifications_read_back_the_same_on_either_path(
    url: str, engine_path: Database
) -> None:
    queued = delivery(
        id="d-engine",
        status=DeliveryStatus.PENDING,
        attempts=0,
        created_at=ODD_TIME,
        next_attempt_at=ODD_TIME,
        notification=notification(delivery_id="d-engine", occurred_at=ODD_TIME),
    )
    engine_store = SqlAlchemyNotificationLogStore(engine_path)
    assert await engine_store.create(queued) is True
    async with SqlAlchemyPersistence(url) as backend:
        assert await backend.notifications.get("d-engine") == queued
        other = queued.model_copy(update={"id": "d-sqlite", "target": "#other"})
        assert await backend.notifications.create(other) is True
    (claimed,) = await engine_store.claim_due(ODD_TIME, owner="o", lease_seconds=1, limit=1)
    assert claimed.id == "d-engine"  # due at the same time: the smaller id first
    assert await engine_store.get("d-sqlite") == other
