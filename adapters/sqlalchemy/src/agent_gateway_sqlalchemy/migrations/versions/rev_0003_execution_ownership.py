"""Execution ownership: which gateway instance answers for each execution, and their leases.

Adds ``owner`` (the instance id) and ``job_payload`` (what a background execution needs to run
again) to ``executions``, both empty for the executions already there (no instance owns them:
recovery leaves them alone), and creates ``gateway_instances`` (one lease per instance).

PostgreSQL adds the columns in place. SQLite rebuilds ``executions`` so the table it leaves is
declared exactly as a new database's is (``ADD COLUMN`` would splice the columns into the
recorded ``CREATE TABLE`` text instead), and ``execution_events`` with it: renaming a parent
table repoints its children's foreign keys (with ``foreign_keys=ON``, always), and dropping
it would cascade to their rows. Both tables are renamed aside, created anew, copied back,
and the old ones dropped, children first.

Revision ID: 0003
Revises: 0002
Create Date: 2026-03-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.migrations.names import fk, ix, pk, schema, table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RUNS, EVENTS, INSTANCES = "executions", "execution_events", "gateway_instances"
ASIDE = "_aside_"  # prefix of a SQLite table being rebuilt, while it is copied
RUN_INDEXES = [
    ("created_at",),
    ("agent_id", "created_at"),
    ("status", "created_at"),
    ("user_id", "created_at"),
    ("session_id", "created_at"),
]
RUN_COLUMNS = [  # the columns of 0001, in table order
    "id",
    "agent_id",
    "status",
    "kind",
    "message",
    "input",
    "user_id",
    "session_id",
    "parent_execution_id",
    "root_execution_id",
    "schedule_id",
    "idempotency_key",
    "created_at",
    "started_at",
    "finished_at",
    "result",
    "raw_text",
    "stop_reason",
    "error",
    "usage",
    "last_event_seq",
]
EVENT_COLUMNS = ["seq", "type", "at", "data", "execution_id"]
OWNERSHIP_COLUMNS = ["owner", "job_payload"]


def _id(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(255), nullable=nullable)


def _label(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(64), nullable=nullable)


def _text(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _json(name: str, *, nullable: bool = False) -> sa.Column[object]:
    json = sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )
    return sa.Column(name, json, nullable=nullable)


def _time(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _run_columns(*, with_ownership: bool) -> list[SchemaItem]:
    columns: list[SchemaItem] = [
        _id("id"),
        _id("agent_id"),
        _label("status"),
        _label("kind"),
        _text("message"),
        _json("input"),
        _id("user_id", nullable=True),
        _id("session_id", nullable=True),
        _id("parent_execution_id", nullable=True),
        _id("root_execution_id", nullable=True),
        _id("schedule_id", nullable=True),
        _id("idempotency_key", nullable=True),
        _time("created_at"),
        _time("started_at", nullable=True),
        _time("finished_at", nullable=True),
        _json("result", nullable=True),
        _text("raw_text", nullable=True),
        _label("stop_reason", nullable=True),
        _text("error", nullable=True),
        _json("usage"),
        sa.Column("last_event_seq", sa.Integer(), nullable=False),
    ]
    if with_ownership:
        columns += [_id("owner", nullable=True), _json("job_payload", nullable=True)]
    columns.append(sa.PrimaryKeyConstraint("id", name=op.f(pk(RUNS))))
    return columns


def _event_columns() -> list[SchemaItem]:
    return [
        sa.Column("seq", sa.Integer(), nullable=False),
        _label("type"),
        _time("at"),
        _json("data"),
        _id("execution_id"),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            [f"{table(RUNS)}.id"],
            name=op.f(fk(EVENTS, "execution_id")),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("execution_id", "seq", name=op.f(pk(EVENTS))),
    ]


def _copy(source: str, target: str, columns: list[str], added: list[str]) -> None:
    """Copy ``columns`` of every row from ``source`` to ``target``; ``added`` ones are NULL."""
    old = sa.table(source, *(sa.column(c) for c in columns))
    new = sa.table(target, *(sa.column(c) for c in [*columns, *added]))
    values = [*(old.c[c] for c in columns), *(sa.null() for _ in added)]
    op.execute(sa.insert(new).from_select([*columns, *added], sa.select(*values)))


def _rebuild_on_sqlite(*, with_ownership: bool) -> None:
    """Recreate both tables in their new shape, keeping every execution and event."""
    runs, events = table(RUNS), table(EVENTS)
    runs_aside, events_aside = table(ASIDE + RUNS), table(ASIDE + EVENTS)
    op.rename_table(events, events_aside)
    op.rename_table(runs, runs_aside)  # the events' foreign key now points at the aside table
    for columns in RUN_INDEXES:
        op.drop_index(op.f(ix(RUNS, *columns)), table_name=runs_aside)
    op.create_table(runs, *_run_columns(with_ownership=with_ownership))
    for columns in RUN_INDEXES:
        op.create_index(op.f(ix(RUNS, *columns)), runs, list(columns))
    op.create_table(events, *_event_columns())
    _copy(runs_aside, runs, RUN_COLUMNS, OWNERSHIP_COLUMNS if with_ownership else [])
    _copy(events_aside, events, EVENT_COLUMNS, [])
    op.drop_table(events_aside)
    op.drop_table(runs_aside)


def _create_instances() -> None:
    op.create_table(
        table(INSTANCES),
        _id("id"),
        _time("expires_at"),
        sa.PrimaryKeyConstraint("id", name=op.f(pk(INSTANCES))),
        schema=schema(),
    )


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_ownership=True)
    else:
        op.add_column(table(RUNS), _id("owner", nullable=True), schema=schema())
        op.add_column(table(RUNS), _json("job_payload", nullable=True), schema=schema())
    _create_instances()


def downgrade() -> None:
    op.drop_table(table(INSTANCES), schema=schema())
    if op.get_context().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_ownership=False)
        return
    for column in ("job_payload", "owner"):
        op.drop_column(table(RUNS), column, schema=schema())
