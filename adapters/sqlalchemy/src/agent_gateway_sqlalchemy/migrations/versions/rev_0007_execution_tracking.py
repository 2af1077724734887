"""Execution tracking: the label a caller tags its requests with, stored on each execution.

Adds ``tracking`` to ``executions`` (empty for the executions already there) and an index on
``(tracking, created_at)``, which serves the listing filtered by it, newest first.

PostgreSQL adds the column and the index in place. SQLite rebuilds ``executions``, and
``execution_events`` with it, as revision 0003 does and for the same reasons: the table it
leaves is declared exactly as a new database's is, and the events keep pointing at their
executions. Downgrading drops the column and every tracking label in it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.migrations.names import fk, ix, pk, schema, table

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

RUNS, EVENTS = "executions", "execution_events"
ASIDE = "_aside_"  # prefix of a SQLite table being rebuilt, while it is copied
RUN_INDEXES = [
    ("created_at",),
    ("agent_id", "created_at"),
    ("status", "created_at"),
    ("user_id", "created_at"),
    ("session_id", "created_at"),
]
TRACKING_INDEX = ("tracking", "created_at")
RUN_COLUMNS = [  # the columns of 0006, in table order
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
    "owner",
    "job_payload",
]
EVENT_COLUMNS = ["seq", "type", "at", "data", "execution_id"]


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


def _run_columns(*, with_tracking: bool) -> list[SchemaItem]:
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
        _id("owner", nullable=True),
        _json("job_payload", nullable=True),
    ]
    if with_tracking:
        columns.append(_id("tracking", nullable=True))
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


def _copy(source: str, target: str, columns: list[str]) -> None:
    """Copy ``columns`` of every row from ``source`` to ``target`` (a column ``target`` has
    beyond them is left NULL)."""
    old = sa.table(source, *(sa.column(c) for c in columns))
    new = sa.table(target, *(sa.column(c) for c in columns))
    op.execute(sa.insert(new).from_select(columns, sa.select(*(old.c[c] for c in columns))))


def _rebuild_on_sqlite(*, with_tracking: bool) -> None:
    """Recreate both tables in their new shape, keeping every execution and event."""
    runs, events = table(RUNS), table(EVENTS)
    runs_aside, events_aside = table(ASIDE + RUNS), table(ASIDE + EVENTS)
    old_indexes = RUN_INDEXES if with_tracking else [*RUN_INDEXES, TRACKING_INDEX]
    new_indexes = [*RUN_INDEXES, TRACKING_INDEX] if with_tracking else RUN_INDEXES
    op.rename_table(events, events_aside)
    op.rename_table(runs, runs_aside)  # the events' foreign key now points at the aside table
    for columns in old_indexes:
        op.drop_index(op.f(ix(RUNS, *columns)), table_name=runs_aside)
    op.create_table(runs, *_run_columns(with_tracking=with_tracking))
    for columns in new_indexes:
        op.create_index(op.f(ix(RUNS, *columns)), runs, list(columns))
    op.create_table(events, *_event_columns())
    _copy(runs_aside, runs, RUN_COLUMNS)
    _copy(events_aside, events, EVENT_COLUMNS)
    op.drop_table(events_aside)
    op.drop_table(runs_aside)


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_tracking=True)
        return
    op.add_column(table(RUNS), _id("tracking", nullable=True), schema=schema())
    op.create_index(
        op.f(ix(RUNS, *TRACKING_INDEX)), table(RUNS), list(TRACKING_INDEX), schema=schema()
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_tracking=False)
        return
    op.drop_index(op.f(ix(RUNS, *TRACKING_INDEX)), table_name=table(RUNS), schema=schema())
    op.drop_column(table(RUNS), "tracking", schema=schema())
