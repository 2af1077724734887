"""Migrations: every revision up and down, models equal to migrations, check and upgrade modes."""

from __future__ import annotations

import argparse
import asyncio
import io
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    inspect,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.domain.memory import MemoryScope
from agent_gateway_core.domain.notification import (
    DeliveryStatus,
    NotificationDelivery,
    NotificationEvent,
)
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.ports.persistence import NotificationQuery
from agent_gateway_sqlalchemy import SchemaOutOfDateError, SqlAlchemyPersistence
from agent_gateway_sqlalchemy.migrations import (
    SCRIPT_LOCATION,
    alembic_config,
    current,
    downgrade,
    head,
    upgrade,
)
from agent_gateway_sqlalchemy.models import build_metadata
from agent_gateway_sqlalchemy.models.columns import JsonDocument, UtcDateTime

from .conftest import POSTGRES_URL

pytestmark = pytest.mark.integration

REVISIONS = [s.revision for s in reversed(list(ScriptDirectory(SCRIPT_LOCATION).walk_revisions()))]


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """A never-migrated database: a new SQLite file, or a new PostgreSQL schema (dropped after)."""
    if request.param == "sqlite":
        return {"url": f"sqlite+aiosqlite:///{tmp_path}/migrations.db", "schema": None}
    return {"url": POSTGRES_URL, "schema": request.getfixturevalue("fresh_schema")}


def sync_url(url: str) -> AsyncEngine:
    return create_async_engine(url, poolclass=NullPool)


async def table_names(url: str, schema: str | None) -> set[str]:
    engine = sync_url(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: inspect(c).get_table_names(schema=schema))
    finally:
        await engine.dispose()
    return set(names)


async def test_stairway_every_revision_upgrades_downgrades_and_upgrades_again(
    database: dict[str, Any],
) -> None:
    url, schema = database["url"], database["schema"]
    for revision in REVISIONS:
        await upgrade(url, schema, "stair_", revision)
        assert await current(url, schema, "stair_") == revision
        await downgrade(url, schema, "stair_", "-1")
        await upgrade(url, schema, "stair_", revision)
        assert await current(url, schema, "stair_") == revision
    await downgrade(url, schema, "stair_", "base")
    assert await current(url, schema, "stair_") is None
    assert await table_names(url, schema) == {"stair_alembic_version"}


@pytest.mark.parametrize("table_prefix", ["", "agw_"])
async def test_models_match_migrations(database: dict[str, Any], table_prefix: str) -> None:
    url, schema = database["url"], database["schema"]
    await upgrade(url, schema, table_prefix)
    metadata = build_metadata(table_prefix, schema).metadata

    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_schemas": schema is not None,
                "include_name": lambda name, kind, _parent: kind != "schema" or name == schema,
                "include_object": lambda _obj, name, kind, _reflected, _compare: (
                    (kind != "table" or name.startswith(table_prefix))
                    and name != f"{table_prefix}alembic_version"
                ),
                "compare_type": True,
            },
        )
        return list(compare_metadata(context, metadata))

    engine = sync_url(url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()


async def test_replicas_upgrading_at_once_migrate_one_after_the_other(fresh_schema: str) -> None:
    await asyncio.gather(*(upgrade(POSTGRES_URL, fresh_schema, "race_") for _ in range(3)))
    assert await current(POSTGRES_URL, fresh_schema, "race_") == REVISIONS[-1]


async def test_check_mode_creates_a_database_that_was_never_migrated(
    database: dict[str, Any],
) -> None:
    url, schema = database["url"], database["schema"]
    async with SqlAlchemyPersistence(url, schema=schema, migrate="check") as backend:
        assert await backend.executions.get("none") is None
    assert await current(url, schema) == REVISIONS[-1]


async def test_check_mode_refuses_a_schema_behind_and_names_the_command(
    database: dict[str, Any],
) -> None:
    url, schema = database["url"], database["schema"]
    await upgrade(url, schema)
    await downgrade(url, schema, revision="base")  # managed before, now behind the code
    backend = SqlAlchemyPersistence(url, schema=schema, migrate="check")
    try:
        with pytest.raises(SchemaOutOfDateError) as raised:
            await backend.initialize()
    finally:
        await backend.aclose()
    message = str(raised.value)
    assert isinstance(raised.value, ConfigError)
    assert "agents-gateway db upgrade" in message
    assert "current revision none" in message
    assert f"head {REVISIONS[-1]}" in message
    assert (raised.value.current, raised.value.head) == (None, REVISIONS[-1])


async def test_upgrade_mode_migrates_then_check_mode_accepts(database: dict[str, Any]) -> None:
    url, schema = database["url"], database["schema"]
    async with SqlAlchemyPersistence(url, schema=schema, migrate="upgrade") as backend:
        await backend.initialize()  # again: nothing to do
        await backend.ping()
    async with SqlAlchemyPersistence(url, schema=schema, migrate="check") as backend:
        assert await backend.executions.get("none") is None
    assert await current(url, schema) == await head()


async def test_check_mode_names_a_revision_from_a_newer_release(database: dict[str, Any]) -> None:
    url, schema = database["url"], database["schema"]
    await upgrade(url, schema)
    version_table = f"{schema}.alembic_version" if schema else "alembic_version"
    engine = sync_url(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"UPDATE {version_table} SET version_num = 'ffff'"))
    finally:
        await engine.dispose()
    backend = SqlAlchemyPersistence(url, schema=schema)
    try:
        with pytest.raises(SchemaOutOfDateError, match=r"ffff.*newer release"):
            await backend.initialize()
    finally:
        await backend.aclose()


async def test_unknown_revision_raises_config_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'nope'"):
        await upgrade(f"sqlite+aiosqlite:///{tmp_path}/db.sqlite", revision="nope")


async def test_upgrade_creates_the_folder_of_a_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/new/folder/db.sqlite"
    await upgrade(url)
    assert await current(url) == REVISIONS[-1]


async def test_env_runs_on_its_own_async_engine_from_the_alembic_command_line(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    config = Config(cmd_opts=argparse.Namespace(x=["table_prefix=cli_"]))
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("sqlalchemy.url", url)
    await asyncio.to_thread(command.upgrade, config, "head")
    assert await current(url, table_prefix="cli_") == REVISIONS[-1]
    assert "cli_executions" in await table_names(url, None)


async def test_env_writes_an_offline_sql_script_with_prefix_and_schema() -> None:
    config = alembic_config("reports", "off_")
    config.set_main_option("sqlalchemy.url", "postgresql+asyncpg://db.invalid/x")
    config.output_buffer = io.StringIO()
    await asyncio.to_thread(command.upgrade, config, "head", sql=True)
    script = config.output_buffer.getvalue()
    assert "CREATE TABLE reports.off_executions" in script
    assert "reports.off_alembic_version" in script


async def test_the_head_revision_constant_is_the_newest_migration() -> None:
    from agent_gateway_sqlalchemy.schema_version import HEAD_REVISION

    assert await head() == HEAD_REVISION == REVISIONS[-1]


async def test_starting_on_an_up_to_date_sqlite_file_does_not_load_alembic(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/db.sqlite"
    await upgrade(url)
    code = (
        "import asyncio, sys\n"
        "from agent_gateway_sqlalchemy import SqlAlchemyPersistence\n"
        "async def main():\n"
        f"    async with SqlAlchemyPersistence({url!r}, migrate='check') as backend:\n"
        "        await backend.ping()\n"
        "asyncio.run(main())\n"
        "print('alembic' in sys.modules)\n"
    )
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "False"


def sqlite_schema(path: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Every table and index of a SQLite file as SQLite records it (its DDL), and its revision."""
    raw = sqlite3.connect(path)
    try:
        objects = raw.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        (version_table,) = [name for _, name, _, _ in objects if name.endswith("alembic_version")]
        revisions = raw.execute(f'SELECT version_num FROM "{version_table}"').fetchall()
    finally:
        raw.close()
    return objects, revisions


@pytest.mark.parametrize("table_prefix", ["", "agw_"])
async def test_a_new_sqlite_database_is_created_exactly_as_migrating_it_would(
    tmp_path: Path, table_prefix: str
) -> None:
    async with SqlAlchemyPersistence(
        f"sqlite+aiosqlite:///{tmp_path}/created.db", table_prefix=table_prefix
    ) as backend:
        await backend.ping()
    await upgrade(f"sqlite+aiosqlite:///{tmp_path}/migrated.db", None, table_prefix)

    created = sqlite_schema(tmp_path / "created.db")
    assert created == sqlite_schema(tmp_path / "migrated.db")
    assert created[1] == [(REVISIONS[-1],)]
    assert len(created[0]) > 10  # tables and indexes, not an empty file


async def test_processes_creating_one_new_sqlite_file_at_once_create_it_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/race.db"
    # Each backend has its connection on a thread of its own, as two processes would.
    backends = [SqlAlchemyPersistence(url) for _ in range(3)]
    try:
        await asyncio.gather(*(backend.initialize() for backend in backends))
    finally:
        for backend in backends:
            await backend.aclose()
    assert await current(url) == REVISIONS[-1]
    assert sqlite_schema(tmp_path / "race.db")[1] == [(REVISIONS[-1],)]


async def test_starting_on_a_new_sqlite_file_loads_neither_alembic_nor_the_orm(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/new.db"
    code = (
        "import asyncio, sys\n"
        "from agent_gateway_sqlalchemy import SqlAlchemyPersistence\n"
        "async def main():\n"
        f"    async with SqlAlchemyPersistence({url!r}, migrate='check') as backend:\n"
        "        await backend.ping()\n"
        "asyncio.run(main())\n"
        "heavy = ('alembic', 'sqlalchemy.orm', 'sqlalchemy.dialects.postgresql')\n"
        "print([name for name in heavy if name in sys.modules])\n"
    )
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert await current(url) == REVISIONS[-1]


@pytest.mark.parametrize("table_prefix", ["", "agw_"])
async def test_upgrading_keeps_user_configs_and_gives_them_the_personal_columns(
    database: dict[str, Any], table_prefix: str
) -> None:
    url, schema = database["url"], database["schema"]
    await upgrade(url, schema, table_prefix, "0001")
    updated_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    configs = Table(
        f"{table_prefix}user_agent_configs",
        MetaData(schema=schema),
        Column("user_id", String(255)),
        Column("agent_id", String(255)),
        Column("values", JsonDocument()),
        Column("secrets", JsonDocument()),
        Column("updated_at", UtcDateTime()),
    )
    engine = sync_url(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                configs.insert().values(
                    user_id="alice",
                    agent_id="mine",
                    values={"region": "eu"},
                    secrets={},
                    updated_at=updated_at,
                )
            )
    finally:
        await engine.dispose()

    async with SqlAlchemyPersistence(
        url, schema=schema, table_prefix=table_prefix, migrate="upgrade"
    ) as backend:
        config = await backend.user_configs.get("alice", "mine")

    assert config is not None
    assert config.values == {"region": "eu"}
    assert (config.instructions, config.setup_completed) == (None, True)
    assert config.created_at == config.updated_at == updated_at
    assert await current(url, schema, table_prefix) == REVISIONS[-1]


@pytest.mark.parametrize("table_prefix", ["", "agw_"])
async def test_upgrading_keeps_executions_and_their_events_and_owns_none_of_them(
    database: dict[str, Any], table_prefix: str
) -> None:
    url, schema = database["url"], database["schema"]
    await upgrade(url, schema, table_prefix, "0002")
    created_at = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    metadata = MetaData(schema=schema)
    runs = Table(
        f"{table_prefix}executions",
        metadata,
        *(Column(name, String(255)) for name in ("id", "agent_id", "status", "kind", "message")),
        Column("input", JsonDocument()),
        Column("created_at", UtcDateTime()),
        Column("usage", JsonDocument()),
        Column("last_event_seq", Integer()),
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
    engine = sync_url(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                runs.insert().values(
                    id="e-1",
                    agent_id="helper",
                    status="running",
                    kind="invoke",
                    message="hi",
                    input={},
                    created_at=created_at,
                    usage={},
                    last_event_seq=2,
                )
            )
            await connection.execute(
                events.insert(),
                [
                    {
                        "seq": n,
                        "type": "execution.started",
                        "at": created_at,
                        "data": {"n": n},
                        "execution_id": "e-1",
                    }
                    for n in (1, 2)
                ],
            )
    finally:
        await engine.dispose()

    async with SqlAlchemyPersistence(
        url, schema=schema, table_prefix=table_prefix, migrate="upgrade"
    ) as backend:
        record = await backend.executions.get("e-1")
        logged = await backend.executions.list_events("e-1")
        more = await backend.executions.append_events(
            "e-1", [NewEvent(type=EventType.MODEL_DELTA, at=created_at)]
        )
        orphans = await backend.instances.orphans(created_at)
        await backend.instances.heartbeat("inst-1", created_at)

    assert record is not None
    assert (record.status, record.created_at) == (ExecutionStatus.RUNNING, created_at)
    assert (record.owner, record.job_payload) == (None, None)
    assert [(e.seq, e.data) for e in logged] == [(1, {"n": 1}), (2, {"n": 2})]
    assert [e.seq for e in more] == [3]
    assert orphans == []  # nobody owns what was there before: recovery leaves it alone
    assert await current(url, schema, table_prefix) == REVISIONS[-1]
    if schema is None:  # SQLite rebuilt both tables: the events still belong to executions
        raw = sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///"))
        try:
            keys = raw.execute(
                f'PRAGMA foreign_key_list("{table_prefix}execution_events")'
            ).fetchall()
        finally:
            raw.close()
        assert [(key[2], key[3], key[4], key[6]) for key in keys] == [
            (f"{table_prefix}executions", "execution_id", "id", "CASCADE")
        ]


@pytest.mark.parametrize("table_prefix", ["", "agw_"])
async def test_upgrading_keeps_schedules_at_revision_0_and_adds_the_lock_table(
    database: dict[str, Any], table_prefix: str
) -> None:
    url, schema = database["url"], database["schema"]
    await upgrade(url, schema, table_prefix, "0003")
    created_at = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    schedules = Table(
        f"{table_prefix}schedules",
        MetaData(schema=schema),
        *(Column(name, String(255)) for name in ("id", "agent_id", "name", "cron_expr")),
        *(Column(name, String(255)) for name in ("message", "timezone", "source")),
        Column("input", JsonDocument()),
        Column("enabled", Boolean()),
        Column("deleted", Boolean()),
        Column("created_at", UtcDateTime()),
        Column("updated_at", UtcDateTime()),
        Column("last_run_at", UtcDateTime()),
        Column("last_execution_id", String(255)),
    )
    engine = sync_url(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                schedules.insert().values(
                    id="helper:daily",
                    agent_id="helper",
                    name="daily",
                    cron_expr="0 9 * * *",
                    message="report",
                    timezone="UTC",
                    source="workspace",
                    input={"depth": 1},
                    enabled=True,
                    deleted=False,
                    created_at=created_at,
                    updated_at=created_at,
                    last_run_at=created_at,
                    last_execution_id="e-1",
                )
            )
    finally:
        await engine.dispose()

    async with SqlAlchemyPersistence(
        url, schema=schema, table_prefix=table_prefix, migrate="upgrade"
    ) as backend:
        kept = await backend.schedules.get("helper:daily")
        assert kept is not None
        revision_before = await backend.schedules.revision()
        await backend.schedules.save(kept.model_copy(update={"message": "new"}))
        saved = await backend.schedules.get("helper:daily")
        lease = await backend.schedule_locks.acquire("helper:daily@2026-03-05T09:00:00+00:00", 60)

    assert (kept.input, kept.created_at, kept.last_execution_id) == (
        {"depth": 1},
        created_at,
        "e-1",
    )
    assert (kept.spec_hash, kept.revision, revision_before) == (None, 0, 0)
    assert saved is not None
    assert (saved.message, saved.revision, saved.last_run_at) == ("new", 1, created_at)
    assert lease is not None
    assert await current(url, schema, table_prefix) == REVISIONS[-1]


def old_deliveries(table_prefix: str, schema: str | None) -> Table:
    """``notification_deliveries`` as revision 0004 left it."""
    return Table(
        f"{table_prefix}notification_deliveries",
        MetaData(schema=schema),
        *(Column(name, String(255)) for name in ("id", "execution_id", "agent_id")),
        *(Column(name, String(255)) for name in ("event_type", "channel", "target", "status")),
        Column("attempts", Integer()),
        Column("last_error", String(255)),
        Column("created_at", UtcDateTime()),
        Column("delivered_at", UtcDateTime()),
    )


def pending_delivery(delivery_id: str, execution_id: str, **fields: Any) -> NotificationDelivery:
    """A delivery to ``#ops`` on Slack, due at once."""
    created_at = datetime(2026, 4, 5, 6, 7, 8, tzinfo=UTC)
    values: dict[str, Any] = {
        "id": delivery_id,
        "execution_id": execution_id,
        "agent_id": "helper",
        "event_type": NotificationEvent.ON_COMPLETE,
        "channel": "slack",
        "target": "#ops",
        "status": DeliveryStatus.PENDING,
        "attempts": 0,
        "created_at": created_at,
        "next_attempt_at": created_at,
    }
    return NotificationDelivery(**(values | fields))


@pytest.mark.parametrize("table_prefix", ["", "agw_"])
async def test_upgrading_keeps_deliveries_and_queues_new_ones_once_per_target(
    database: dict[str, Any], table_prefix: str
) -> None:
    url, schema = database["url"], database["schema"]
    await upgrade(url, schema, table_prefix, "0004")
    created_at = datetime(2026, 4, 5, 6, 7, 8, tzinfo=UTC)
    engine = sync_url(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                old_deliveries(table_prefix, schema).insert(),
                [
                    {
                        "id": f"d-{status}",
                        "execution_id": "e-1",
                        "agent_id": "helper",
                        "event_type": "on_complete",
                        "channel": channel,
                        "target": "#ops",
                        "status": status,
                        "attempts": 2,
                        "last_error": "HTTP 500" if status == "failed" else None,
                        "created_at": created_at,
                        "delivered_at": created_at if status == "delivered" else None,
                    }
                    for status, channel in (("delivered", "slack"), ("failed", "webhook"))
                ],
            )
    finally:
        await engine.dispose()

    async with SqlAlchemyPersistence(
        url, schema=schema, table_prefix=table_prefix, migrate="upgrade"
    ) as backend:
        kept = await backend.notifications.get("d-delivered")
        failed = await backend.notifications.get("d-failed")
        listed = await backend.notifications.query(NotificationQuery(execution_id="e-1"))
        claimable_before = await backend.notifications.claim_due(
            created_at, owner="inst-1", lease_seconds=30, limit=10
        )
        # The key of "d-delivered", then another execution's.
        refused = await backend.notifications.create(pending_delivery("d-again", "e-1"))
        created = await backend.notifications.create(pending_delivery("d-new", "e-2"))
        claimed = await backend.notifications.claim_due(
            created_at, owner="inst-1", lease_seconds=30, limit=10
        )

    assert kept is not None
    assert failed is not None
    assert (kept.status, kept.attempts, kept.delivered_at) == (
        DeliveryStatus.DELIVERED,
        2,
        created_at,
    )
    assert (failed.status, failed.last_error) == (DeliveryStatus.FAILED, "HTTP 500")
    for old in (kept, failed):
        assert (old.next_attempt_at, old.notification) == (None, None)
        assert (old.claimed_by, old.claimed_until) == (None, None)
    assert listed.total == 2
    assert claimable_before == []  # delivered and failed deliveries are never due
    assert (refused, created) == (False, True)  # the unique key holds for the old rows too
    assert [(d.id, d.claimed_by) for d in claimed] == [("d-new", "inst-1")]
    assert await current(url, schema, table_prefix) == REVISIONS[-1]


async def test_downgrading_the_delivery_queue_fails_what_is_still_pending(
    database: dict[str, Any],
) -> None:
    url, schema = database["url"], database["schema"]
    async with SqlAlchemyPersistence(url, schema=schema, migrate="upgrade") as backend:
        await backend.notifications.create(pending_delivery("d-pending", "e-1"))
        await backend.notifications.create(
            pending_delivery("d-delivered", "e-2", status=DeliveryStatus.DELIVERED)
        )
    await downgrade(url, schema, revision="0004")

    engine = sync_url(url)
    try:
        async with engine.connect() as connection:
            log = old_deliveries("", schema).c
            query = select(log.id, log.status, log.last_error).order_by(log.id)
            rows = (await connection.execute(query)).all()
            columns = await connection.run_sync(
                lambda c: [
                    column["name"]
                    for column in inspect(c).get_columns("notification_deliveries", schema=schema)
                ]
            )
    finally:
        await engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("d-delivered", "delivered", None),
        ("d-pending", "failed", "not attempted (downgraded)"),
    ]
    assert columns == [column.name for column in old_deliveries("", schema).columns]
    assert await current(url, schema) == "0004"


@pytest.mark.parametrize("table_prefix", ["", "agw_"])
async def test_upgrading_adds_the_memories_table_and_downgrading_drops_it(
    database: dict[str, Any], table_prefix: str
) -> None:
    url, schema = database["url"], database["schema"]
    memories = f"{table_prefix}memories"
    await upgrade(url, schema, table_prefix, "0005")
    assert memories not in await table_names(url, schema)

    scope = MemoryScope(agent_id="helper", user_id="alice")
    async with SqlAlchemyPersistence(
        url, schema=schema, table_prefix=table_prefix, migrate="upgrade"
    ) as backend:
        saved = await backend.memory.remember(scope, "Alice drinks green tea")
        again = await backend.memory.remember(scope, "Alice drinks green tea")
        listed = await backend.memory.list_all(scope)
    assert (again, listed) == (saved, [saved])
    assert memories in await table_names(url, schema)
    assert await current(url, schema, table_prefix) == REVISIONS[-1]

    await downgrade(url, schema, table_prefix, "0005")
    assert memories not in await table_names(url, schema)
    assert await current(url, schema, table_prefix) == "0005"
    async with SqlAlchemyPersistence(
        url, schema=schema, table_prefix=table_prefix, migrate="upgrade"
    ) as backend:
        assert await backend.memory.list_all(scope) == []  # created anew, empty
