"""Personal agents: a user's instructions, whether setup is complete, and when it was created.

Adds ``instructions``, ``setup_completed`` and ``created_at`` to ``user_agent_configs``.
Existing configurations count as complete and as created when they were last updated.

PostgreSQL adds the columns in place. SQLite rebuilds the table (renamed aside, created anew,
copied back), so the table it leaves is declared exactly as a new database's is: SQLite's
``ADD COLUMN`` would splice the columns into the recorded ``CREATE TABLE`` text instead.

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.migrations.names import pk, schema, table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BASE = "user_agent_configs"
ASIDE = "_aside_user_agent_configs"  # the SQLite table being rebuilt, while it is copied
KEPT = ["user_id", "agent_id", "values", "secrets", "updated_at"]  # the columns of 0001


def _json(name: str) -> sa.Column[object]:
    json = sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )
    return sa.Column(name, json, nullable=False)


def _columns(*, with_personal: bool) -> list[SchemaItem]:
    columns: list[SchemaItem] = [
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("agent_id", sa.String(255), nullable=False),
        _json("values"),
        _json("secrets"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]
    if with_personal:
        columns += [
            sa.Column("instructions", sa.Text(), nullable=True),
            sa.Column("setup_completed", sa.Boolean(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        ]
    columns.append(sa.PrimaryKeyConstraint("user_id", "agent_id", name=op.f(pk(BASE))))
    return columns


def _rebuild_on_sqlite(*, with_personal: bool) -> None:
    """Recreate the table in its new shape, keeping its rows (the 0001 columns, plus the
    defaults of the new ones when adding them)."""
    name, aside = table(BASE), table(ASIDE)
    op.rename_table(name, aside)
    op.create_table(name, *_columns(with_personal=with_personal))
    old = sa.table(aside, *(sa.column(c) for c in KEPT))
    copied: list[sa.ColumnElement[Any]] = [old.c[c] for c in KEPT]
    targets = list(KEPT)
    if with_personal:
        copied += [sa.null(), sa.true(), old.c.updated_at]
        targets += ["instructions", "setup_completed", "created_at"]
    new = sa.table(name, *(sa.column(c) for c in targets))
    op.execute(sa.insert(new).from_select(targets, sa.select(*copied)))
    op.drop_table(aside)


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_personal=True)
        return
    name = table(BASE)
    op.add_column(name, sa.Column("instructions", sa.Text(), nullable=True), schema=schema())
    op.add_column(
        name,
        sa.Column("setup_completed", sa.Boolean(), nullable=False, server_default=sa.true()),
        schema=schema(),
    )
    op.alter_column(name, "setup_completed", server_default=None, schema=schema())
    op.add_column(
        name, sa.Column("created_at", sa.DateTime(timezone=True), nullable=True), schema=schema()
    )
    configs = sa.table(name, sa.column("created_at"), sa.column("updated_at"), schema=schema())
    op.execute(configs.update().values(created_at=configs.c.updated_at))


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _rebuild_on_sqlite(with_personal=False)
        return
    for column in ("created_at", "setup_completed", "instructions"):
        op.drop_column(table(BASE), column, schema=schema())
