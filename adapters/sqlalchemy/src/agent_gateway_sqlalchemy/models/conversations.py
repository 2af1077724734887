"""Tables of conversations and their messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from agent_gateway_sqlalchemy.models.columns import Id, Row


class ConversationRow(Row):
    base_name = "conversations"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    agent_id: Mapped[str] = mapped_column(Id)
    user_id: Mapped[str | None] = mapped_column(Id)
    title: Mapped[str | None] = mapped_column(Text)
    # "metadata" is reserved on declarative classes; the column keeps the domain's name.
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    message_count: Mapped[int]

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            Index(None, "user_id", "updated_at"),
            Index(None, "agent_id", "updated_at"),
            Index(None, "updated_at"),
        )


class MessageRow(Row):
    base_name = "messages"

    id: Mapped[str] = mapped_column(Id)
    seq: Mapped[int]
    message: Mapped[dict[str, Any]]
    execution_id: Mapped[str | None] = mapped_column(Id)
    created_at: Mapped[datetime]

    @declared_attr
    @classmethod
    def conversation_id(cls) -> Mapped[str]:
        parent = f"{cls.table_prefix}{ConversationRow.base_name}.id"
        return mapped_column(Id, ForeignKey(parent, ondelete="CASCADE"))

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        return (PrimaryKeyConstraint("conversation_id", "seq"),)
