"""Tables of executions and their event logs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from agent_gateway_sqlalchemy.models.columns import Id, Label, Row, json_document


class ExecutionRow(Row):
    base_name = "executions"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    agent_id: Mapped[str] = mapped_column(Id)
    status: Mapped[str] = mapped_column(Label)
    kind: Mapped[str] = mapped_column(Label)
    message: Mapped[str] = mapped_column(Text)
    input: Mapped[dict[str, Any]]
    user_id: Mapped[str | None] = mapped_column(Id)
    session_id: Mapped[str | None] = mapped_column(Id)
    parent_execution_id: Mapped[str | None] = mapped_column(Id)
    root_execution_id: Mapped[str | None] = mapped_column(Id)
    schedule_id: Mapped[str | None] = mapped_column(Id)
    idempotency_key: Mapped[str | None] = mapped_column(Id)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    result: Mapped[Any] = mapped_column(json_document(), nullable=True)
    raw_text: Mapped[str | None] = mapped_column(Text)
    stop_reason: Mapped[str | None] = mapped_column(Label)
    error: Mapped[str | None] = mapped_column(Text)
    usage: Mapped[dict[str, Any]]
    # The seq of the newest event: appending reserves the next ones with one atomic UPDATE.
    last_event_seq: Mapped[int]

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        # Every query filter, each paired with the newest-first order the listing uses.
        return (
            Index(None, "created_at"),
            Index(None, "agent_id", "created_at"),
            Index(None, "status", "created_at"),
            Index(None, "user_id", "created_at"),
            Index(None, "session_id", "created_at"),
        )


class ExecutionEventRow(Row):
    base_name = "execution_events"

    seq: Mapped[int]
    type: Mapped[str] = mapped_column(Label)
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]]

    @declared_attr
    @classmethod
    def execution_id(cls) -> Mapped[str]:
        parent = f"{cls.table_prefix}{ExecutionRow.base_name}.id"
        return mapped_column(Id, ForeignKey(parent, ondelete="CASCADE"))

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        return (PrimaryKeyConstraint("execution_id", "seq"),)
