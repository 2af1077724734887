"""The notification delivery queue: pending deliveries that any process can attempt.

Adds to ``notification_deliveries`` what a pending delivery needs: ``next_attempt_at`` (when
it is due), ``notification`` (what it sends, as JSON), and its claim by a process,
``claimed_by`` and ``claimed_until``; all empty for the rows already there (delivered or
failed, so never due). Adds a unique key on ``(execution_id, event_type, channel, target)``
(one delivery per execution's event and target) and an index on ``(status,
next_attempt_at)`` for finding the due deliveries. ``status`` is a plain label, so it takes
the new ``pending`` as it is.

PostgreSQL adds the columns, the key and the index in place. SQLite rebuilds the table so it
is declared exactly as a new database's is (``ADD COLUMN`` would splice the columns into the
recorded ``CREATE TABLE`` text instead, and SQLite adds no constraint to a table): renamed
aside, created anew, copied back, and the old one dropped. No table refers to it.

Downgrading marks the deliveries still pending ``failed`` (the code of 0004 knows no pending
status, and nothing would attempt them) before removing the columns.

Revision ID: 0005
Revises: 0004
Create Date: 2026-05-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.migrations.names import ix, pk, schema, table, uq

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DELIVERIES = "notification_deliveries"
ASIDE = "_aside_"  # prefix of a SQLite table being rebuilt, while it is copied
DELIVERY_INDEXES = [  # those of 0001
    ("created_at",),
    ("status", "created_at"),
    ("agent_id", "created_at"),
    ("channel", "created_at"),
    ("execution_id",),
]
DUE_INDEX = ("status", "next_attempt_at")
DELIVERY_KEY = ["execution_id", "event_type", "channel", "target"]
DELIVERY_COLUMNS = [  # the columns of 0001, in table order
    "id",
    "execution_id",
    "agent_id",
    "event_type",
    "channel",
    "target",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "delivered_at",
]


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


def _queue_columns() -> list[sa.Column[Any]]:
    """The columns this revision adds, in table order."""
    return [
        _time("next_attempt_at", nullable=True),
        _json("notification", nullable=True),
        _id("claimed_by", nullable=True),
        _time("claimed_until", nullable=True),
    ]


def _key_name() -> str:
    # Not uq(DELIVERIES, *DELIVERY_KEY): longer than PostgreSQL's 63 characters.
    return uq(DELIVERIES, "event", "target")


def _delivery_columns(*, with_queue: bool) -> list[SchemaItem]:
    columns: list[SchemaItem] = [
        _id("id"),
        _id("execution_id"),
        _id("agent_id"),
        _label("event_type"),
        _label("channel"),
        _text("target"),
        _label("status"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _text("last_error", nullable=True),
        _time("created_at"),
        _time("delivered_at", nullable=True),
    ]
    if with_queue:
        columns += _queue_columns()
    columns.append(sa.PrimaryKeyConstraint("id", name=op.f(pk(DELIVERIES))))
    if with_queue:
        columns.append(sa.UniqueConstraint(*DELIVERY_KEY, name=op.f(_key_name())))
    return columns


def _rebuild_on_sqlite(*, with_queue: bool) -> None:
    """Recreate the table in its new shape, keeping every delivery (with the added columns
    empty when adding them)."""
    name, aside = table(DELIVERIES), table(ASIDE + DELIVERIES)
    queue_indexes = [*DELIVERY_INDEXES, DUE_INDEX]
    old_indexes, new_indexes = (
        (DELIVERY_INDEXES, queue_indexes) if with_queue else (queue_indexes, DELIVERY_INDEXES)
    )
    op.rename_table(name, aside)
    for columns in old_indexes:  # index names are the database's: free them for the new table
        op.drop_index(op.f(ix(DELIVERIES, *columns)), table_name=aside)
    op.create_table(name, *_delivery_columns(with_queue=with_queue))
    for columns in new_indexes:
        op.create_index(op.f(ix(DELIVERIES, *columns)), name, list(columns))
    added = [c.name for c in _queue_columns()] if with_queue else []
    old = sa.table(aside, *(sa.column(c) for c in DELIVERY_COLUMNS))
    new = sa.table(name, *(sa.column(c) for c in [*DELIVERY_COLUMNS, *added]))
    values = [*(old.c[c] for c in DELIVERY_COLUMNS), *(sa.null() for _ in added)]
    op.execute(sa.insert(new).from_select([*DELIVERY_COLUMNS, *added], sa.select(*values)))
    op.drop_table(aside)


def _fail_pending() -> None:
    deliveries = sa.table(
        table(DELIVERIES), sa.column("status"), sa.column("last_error"), schema=schema()
    )
    op.execute(
        sa.update(deliveries)
        .where(deliveries.c.status == "pending")
        .values(
            status="failed",
            last_error=sa.func.coalesce(deliveries.c.last_error, "not attempted (downgraded)"),
        )
    )


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_queue=True)
        return
    name = table(DELIVERIES)
    for column in _queue_columns():
        op.add_column(name, column, schema=schema())
    op.create_unique_constraint(op.f(_key_name()), name, DELIVERY_KEY, schema=schema())
    op.create_index(op.f(ix(DELIVERIES, *DUE_INDEX)), name, list(DUE_INDEX), schema=schema())


def downgrade() -> None:
    _fail_pending()
    if op.get_context().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_queue=False)
        return
    name = table(DELIVERIES)
    op.drop_index(op.f(ix(DELIVERIES, *DUE_INDEX)), table_name=name, schema=schema())
    op.drop_constraint(op.f(_key_name()), name, type_="unique", schema=schema())
    for column in reversed(_queue_columns()):
        op.drop_column(name, column.name, schema=schema())
