"""Tables of conversations and their messages."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint, Index, Integer, PrimaryKeyConstraint, Text
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.models.columns import Id, JsonDocument, Row, UtcDateTime, column


class ConversationRow(Row):
    base_name = "conversations"

    id = column(Id, primary_key=True)
    agent_id = column(Id)
    user_id = column(Id, nullable=True)
    title = column(Text(), nullable=True)
    metadata = column(JsonDocument())
    created_at = column(UtcDateTime())
    updated_at = column(UtcDateTime())
    message_count = column(Integer())

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        return (
            Index(None, "user_id", "updated_at"),
            Index(None, "agent_id", "updated_at"),
            Index(None, "updated_at"),
        )


class MessageRow(Row):
    base_name = "messages"

    id = column(Id)
    seq = column(Integer())
    message = column(JsonDocument())
    execution_id = column(Id, nullable=True)
    created_at = column(UtcDateTime())
    conversation_id = column(Id)

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        parent = f"{table_prefix}{ConversationRow.base_name}.id"
        return (
            ForeignKeyConstraint(["conversation_id"], [parent], ondelete="CASCADE"),
            PrimaryKeyConstraint("conversation_id", "seq"),
        )
