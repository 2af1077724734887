"""Memories: each agent's long-term memories, agent-wide or per user.

Creates ``memories``. ``seq`` is the primary key, numbered by the database in insertion
order (a ``BIGSERIAL`` on PostgreSQL, SQLite's ``INTEGER PRIMARY KEY``), so a scope lists
oldest first even when two memories share a timestamp; ``id`` is the id callers hold,
unique. ``scope_key`` is ``user_id`` as a value never NULL (``""`` agent-wide, ``"user:"``
and the id otherwise), so the unique key on ``(agent_id, scope_key, content_hash)`` keeps one
row per content in every scope, the agent-wide one included: concurrent saves of one memory,
from any process, leave one row. An index on ``(agent_id, scope_key, seq)`` lists a scope.

Downgrading drops the table and every memory in it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-05-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from agent_gateway_sqlalchemy.migrations.names import ix, pk, schema, table, uq

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MEMORIES = "memories"
CONTENT_KEY = ["agent_id", "scope_key", "content_hash"]
SCOPE_INDEX = ["agent_id", "scope_key", "seq"]


def _id(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(255), nullable=nullable)


def _label(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.String(64), nullable=False)


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False)


def upgrade() -> None:
    json = sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )
    op.create_table(
        table(MEMORIES),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        _id("id"),
        _id("agent_id"),
        _id("user_id", nullable=True),
        _text("scope_key"),
        _text("content"),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _label("memory_type"),
        sa.Column("importance", sa.Float(), nullable=False),
        _label("source"),
        sa.Column("metadata", json, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f(pk(MEMORIES))),
        sa.UniqueConstraint("id", name=op.f(uq(MEMORIES, "id"))),
        sa.UniqueConstraint(*CONTENT_KEY, name=op.f(uq(MEMORIES, *CONTENT_KEY))),
        schema=schema(),
    )
    op.create_index(op.f(ix(MEMORIES, *SCOPE_INDEX)), table(MEMORIES), SCOPE_INDEX, schema=schema())


def downgrade() -> None:
    op.drop_table(table(MEMORIES), schema=schema())
