"""Schedule revisions and locks: what changed since a scheduler last looked, and who fires.

Adds ``spec_hash`` (the fingerprint of the AGENT.md declaration a workspace schedule came
from) and ``revision`` (one more at each write) to ``schedules``: existing schedules have no
fingerprint and revision 0, so their next write makes it 1. Creates ``schedule_locks`` (one
lease per cron firing, by key), indexed on ``expires_at`` for the purge of expired leases.

PostgreSQL adds the columns in place (``revision`` through a default that is dropped
afterwards, as the models declare none). SQLite rebuilds ``schedules`` so the table it leaves
is declared exactly as a new database's is (``ADD COLUMN`` would splice the columns into the
recorded ``CREATE TABLE`` text instead): renamed aside, created anew, copied back, and the
old one dropped. No table refers to ``schedules``, so no other table is rebuilt with it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-04-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.migrations.names import ix, pk, schema, table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEDULES, LOCKS = "schedules", "schedule_locks"
ASIDE = "_aside_"  # prefix of a SQLite table being rebuilt, while it is copied
SCHEDULE_INDEX = ("agent_id",)
SCHEDULE_COLUMNS = [  # the columns of 0001, in table order
    "id",
    "agent_id",
    "name",
    "cron_expr",
    "message",
    "instructions",
    "input",
    "timezone",
    "enabled",
    "source",
    "deleted",
    "created_at",
    "updated_at",
    "last_run_at",
    "last_execution_id",
    "last_status",
]


def _id(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(255), nullable=nullable)


def _label(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(64), nullable=nullable)


def _text(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _json(name: str) -> sa.Column[object]:
    json = sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )
    return sa.Column(name, json, nullable=False)


def _time(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _schedule_columns(*, with_revisions: bool) -> list[SchemaItem]:
    columns: list[SchemaItem] = [
        _id("id"),
        _id("agent_id"),
        _id("name"),
        _label("cron_expr"),
        _text("message"),
        _text("instructions", nullable=True),
        _json("input"),
        _label("timezone"),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _label("source"),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        _time("last_run_at", nullable=True),
        _id("last_execution_id", nullable=True),
        _label("last_status", nullable=True),
    ]
    if with_revisions:
        columns += [
            _text("spec_hash", nullable=True),
            sa.Column("revision", sa.Integer(), nullable=False),
        ]
    columns.append(sa.PrimaryKeyConstraint("id", name=op.f(pk(SCHEDULES))))
    return columns


def _rebuild_on_sqlite(*, with_revisions: bool) -> None:
    """Recreate ``schedules`` in its new shape, keeping every schedule (with no fingerprint
    and revision 0 when adding the columns)."""
    name, aside = table(SCHEDULES), table(ASIDE + SCHEDULES)
    op.rename_table(name, aside)
    op.drop_index(op.f(ix(SCHEDULES, *SCHEDULE_INDEX)), table_name=aside)
    op.create_table(name, *_schedule_columns(with_revisions=with_revisions))
    op.create_index(op.f(ix(SCHEDULES, *SCHEDULE_INDEX)), name, list(SCHEDULE_INDEX))
    old = sa.table(aside, *(sa.column(c) for c in SCHEDULE_COLUMNS))
    copied: list[sa.ColumnElement[Any]] = [old.c[c] for c in SCHEDULE_COLUMNS]
    targets = list(SCHEDULE_COLUMNS)
    if with_revisions:
        copied += [sa.null(), sa.literal(0)]
        targets += ["spec_hash", "revision"]
    new = sa.table(name, *(sa.column(c) for c in targets))
    op.execute(sa.insert(new).from_select(targets, sa.select(*copied)))
    op.drop_table(aside)


def _create_locks() -> None:
    op.create_table(
        table(LOCKS),
        _text("key"),
        _label("token"),
        _time("expires_at"),
        sa.PrimaryKeyConstraint("key", name=op.f(pk(LOCKS))),
        schema=schema(),
    )
    op.create_index(op.f(ix(LOCKS, "expires_at")), table(LOCKS), ["expires_at"], schema=schema())


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_revisions=True)
    else:
        name = table(SCHEDULES)
        op.add_column(name, _text("spec_hash", nullable=True), schema=schema())
        op.add_column(
            name,
            sa.Column("revision", sa.Integer(), nullable=False, server_default="0"),
            schema=schema(),
        )
        op.alter_column(name, "revision", server_default=None, schema=schema())
    _create_locks()


def downgrade() -> None:
    op.drop_table(table(LOCKS), schema=schema())
    if op.get_context().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_revisions=False)
        return
    for column in ("revision", "spec_hash"):
        op.drop_column(table(SCHEDULES), column, schema=schema())
