"""The initial schema: every table of the PersistenceBackend.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from agent_gateway_sqlalchemy.migrations.names import fk, ix, pk, schema, table, uq

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


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


def _column_of(base: str, column: str) -> str:
    qualified = f"{schema()}.{table(base)}" if schema() else table(base)
    return f"{qualified}.{column}"


def _indexes(base: str, *column_sets: tuple[str, ...]) -> None:
    for columns in column_sets:
        op.create_index(op.f(ix(base, *columns)), table(base), list(columns), schema=schema())


def upgrade() -> None:
    op.create_table(
        table("executions"),
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
        sa.PrimaryKeyConstraint("id", name=op.f(pk("executions"))),
        schema=schema(),
    )
    _indexes(
        "executions",
        ("created_at",),
        ("agent_id", "created_at"),
        ("status", "created_at"),
        ("user_id", "created_at"),
        ("session_id", "created_at"),
    )
    op.create_table(
        table("execution_events"),
        sa.Column("seq", sa.Integer(), nullable=False),
        _label("type"),
        _time("at"),
        _json("data"),
        _id("execution_id"),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            [_column_of("executions", "id")],
            name=op.f(fk("execution_events", "execution_id")),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("execution_id", "seq", name=op.f(pk("execution_events"))),
        schema=schema(),
    )
    op.create_table(
        table("conversations"),
        _id("id"),
        _id("agent_id"),
        _id("user_id", nullable=True),
        _text("title", nullable=True),
        _json("metadata"),
        _time("created_at"),
        _time("updated_at"),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(pk("conversations"))),
        schema=schema(),
    )
    _indexes(
        "conversations", ("user_id", "updated_at"), ("agent_id", "updated_at"), ("updated_at",)
    )
    op.create_table(
        table("messages"),
        _id("id"),
        sa.Column("seq", sa.Integer(), nullable=False),
        _json("message"),
        _id("execution_id", nullable=True),
        _time("created_at"),
        _id("conversation_id"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            [_column_of("conversations", "id")],
            name=op.f(fk("messages", "conversation_id")),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "seq", name=op.f(pk("messages"))),
        schema=schema(),
    )
    op.create_table(
        table("schedules"),
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
        sa.PrimaryKeyConstraint("id", name=op.f(pk("schedules"))),
        schema=schema(),
    )
    _indexes("schedules", ("agent_id",))
    op.create_table(
        table("notification_deliveries"),
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
        sa.PrimaryKeyConstraint("id", name=op.f(pk("notification_deliveries"))),
        schema=schema(),
    )
    _indexes(
        "notification_deliveries",
        ("created_at",),
        ("status", "created_at"),
        ("agent_id", "created_at"),
        ("channel", "created_at"),
        ("execution_id",),
    )
    op.create_table(
        table("user_agent_configs"),
        _id("user_id"),
        _id("agent_id"),
        _json("values"),
        _json("secrets"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("user_id", "agent_id", name=op.f(pk("user_agent_configs"))),
        schema=schema(),
    )
    op.create_table(
        table("mcp_servers"),
        _id("id"),
        _id("name"),
        _label("transport"),
        _text("command", nullable=True),
        _json("args"),
        _json("env"),
        _text("url", nullable=True),
        _json("headers"),
        _json("credentials"),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f(pk("mcp_servers"))),
        sa.UniqueConstraint("name", name=op.f(uq("mcp_servers", "name"))),
        schema=schema(),
    )
    op.create_table(
        table("idempotency_records"),
        _id("scope"),
        _id("key"),
        _id("execution_id"),
        _id("request_fingerprint"),
        _time("created_at"),
        _time("expires_at"),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f(pk("idempotency_records"))),
        schema=schema(),
    )
    _indexes("idempotency_records", ("expires_at",))


def downgrade() -> None:
    for base in (
        "idempotency_records",
        "mcp_servers",
        "user_agent_configs",
        "notification_deliveries",
        "schedules",
        "messages",
        "conversations",
        "execution_events",
        "executions",
    ):
        op.drop_table(table(base), schema=schema())
