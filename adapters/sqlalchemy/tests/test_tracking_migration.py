"""Revision 0007: executions get a ``tracking`` column and an index, keeping what was there."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, inspect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.ports.persistence import ExecutionQuery
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_sqlalchemy.migrations import current, downgrade, upgrade
from agent_gateway_sqlalchemy.models.columns import JsonDocument, UtcDateTime

from .conftest import POSTGRES_URL

pytestmark = pytest.mark.integration

CREATED_AT = datetime(2026, 5, 1, 2, 3, 4, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Any) -> dict[str, Any]:
    """A never-migrated database: a new SQLite file, or a new PostgreSQL schema (dropped after)."""
    if request.param == "sqlite":
        return {"url": f"sqlite+aiosqlite:///{tmp_path}/tracking.db", "schema": None}
    return {"url": POSTGRES_URL, "schema": request.getfixturevalue("fresh_schema")}


def tables_at_0006(table_prefix: str, schema: str | None) -> tuple[Table, Table]:
    """The columns of ``executions`` and ``execution_events`` this test writes at 0006."""
    metadata = MetaData(schema=schema)
    runs = Table(
        f"{table_prefix}executions",
        metadata,
        *(Column(name, String(255)) for name in ("id", "agent_id", "status", "kind", "message")),
        Column("input", JsonDocument()),
        Column("created_at", UtcDateTime()),
        Column("usage", JsonDocument()),
        Column("last_event_seq", Integer()),
        Column("owner", String(255)),
    )
    events = Table(
        f"{table_prefix}execution_events",
        metadata,
        Column("seq", Integer()),
        Column("type", String(64)),
        Column("at", UtcDateTime()),
        Column("data", JsonDocument()),
        Column("execution_id", String(255)),
    )
    return runs, events


async def write_at_0006(url: str, schema: str | None, table_prefix: str) -> None:
    runs, events = tables_at_0006(table_prefix, schema)
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                runs.insert().values(
                    id="e-old",
                    agent_id="helper",
                    status="succeeded",
                    kind="invoke",
                    message="hi",
                    input={"a": 1},
                    created_at=CREATED_AT,
                    usage={},
                    last_event_seq=1,
                    owner="inst-1",
                )
            )
            await connection.execute(
                events.insert().values(
                    seq=1,
                    type="execution.completed",
                    at=CREATED_AT,
                    data={"status": "succeeded"},
                    execution_id="e-old",
                )
            )
    finally:
        await engine.dispose()


async def execution_columns(url: str, schema: str | None, table_prefix: str) -> list[str]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda c: [
                    column["name"]
                    for column in inspect(c).get_columns(f"{table_prefix}executions", schema=schema)
                ]
            )
    finally:
        await engine.dispose()


@pytest.mark.parametrize("table_prefix", ["", "agw_"])
async def test_upgrading_keeps_every_execution_and_event_without_a_tracking_label(
    database: dict[str, Any], table_prefix: str
) -> None:
    url, schema = database["url"], database["schema"]
    await upgrade(url, schema, table_prefix, "0006")
    await write_at_0006(url, schema, table_prefix)

    async with SqlAlchemyPersistence(
        url, schema=schema, table_prefix=table_prefix, migrate="upgrade"
    ) as backend:
        old = await backend.executions.get("e-old")
        old_events = await backend.executions.list_events("e-old")
        more = await backend.executions.append_events(
            "e-old", [NewEvent(type=EventType.MODEL_DELTA, at=CREATED_AT)]
        )
        await backend.executions.create(
            ExecutionRecord(
                id="e-new",
                agent_id="helper",
                status=ExecutionStatus.QUEUED,
                tracking="nightly-sync",
                created_at=CREATED_AT,
            )
        )
        tracked = await backend.executions.query(ExecutionQuery(tracking="nightly-sync"))

    assert old is not None
    assert (old.status, old.input, old.owner, old.tracking) == (
        ExecutionStatus.SUCCEEDED,
        {"a": 1},
        "inst-1",
        None,
    )
    assert [(e.seq, e.data) for e in old_events] == [(1, {"status": "succeeded"})]
    assert [e.seq for e in more] == [2]
    assert [r.id for r in tracked.items] == ["e-new"]
    assert await current(url, schema, table_prefix) == "0007"
    assert (await execution_columns(url, schema, table_prefix))[-1] == "tracking"
    if schema is None:  # SQLite rebuilt both tables: the events still belong to executions
        raw = sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///"))
        try:
            keys = raw.execute(
                f'PRAGMA foreign_key_list("{table_prefix}execution_events")'
            ).fetchall()
            indexes = {
                row[1] for row in raw.execute(f'PRAGMA index_list("{table_prefix}executions")')
            }
        finally:
            raw.close()
        assert [(key[2], key[3], key[4], key[6]) for key in keys] == [
            (f"{table_prefix}executions", "execution_id", "id", "CASCADE")
        ]
        assert f"ix_{table_prefix}executions_tracking_created_at" in indexes


async def test_downgrading_drops_the_column_and_keeps_the_executions(
    database: dict[str, Any],
) -> None:
    url, schema = database["url"], database["schema"]
    async with SqlAlchemyPersistence(url, schema=schema, migrate="upgrade") as backend:
        await backend.executions.create(
            ExecutionRecord(
                id="e-1",
                agent_id="helper",
                status=ExecutionStatus.QUEUED,
                tracking="nightly-sync",
                created_at=CREATED_AT,
            ),
            [NewEvent(type=EventType.QUEUED, at=CREATED_AT)],
        )

    await downgrade(url, schema, revision="0006")

    assert "tracking" not in await execution_columns(url, schema, "")
    runs, events = tables_at_0006("", schema)
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            kept = (await connection.execute(runs.select())).all()
            logged = (await connection.execute(events.select())).all()
    finally:
        await engine.dispose()
    assert [(row.id, row.status) for row in kept] == [("e-1", "queued")]
    assert [(row.execution_id, row.seq) for row in logged] == [("e-1", 1)]
    assert await current(url, schema) == "0006"
