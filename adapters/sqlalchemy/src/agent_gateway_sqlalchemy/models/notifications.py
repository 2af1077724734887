"""The notification delivery log."""

from __future__ import annotations

from sqlalchemy import Index, Integer, Text, UniqueConstraint
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.models.columns import (
    Id,
    JsonDocument,
    Label,
    Row,
    UtcDateTime,
    column,
)

# The columns of one delivery: an execution's event sent to one target of one channel.
DELIVERY_KEY = ("execution_id", "event_type", "channel", "target")


def delivery_key_name(table_prefix: str) -> str:
    """The name of the unique key on :data:`DELIVERY_KEY`, spelled out: the naming
    convention's would be longer than PostgreSQL's 63 characters."""
    return f"uq_{table_prefix}{NotificationDeliveryRow.base_name}_event_target"


class NotificationDeliveryRow(Row):
    base_name = "notification_deliveries"

    id = column(Id, primary_key=True)
    execution_id = column(Id)
    agent_id = column(Id)
    event_type = column(Label)
    channel = column(Label)
    target = column(Text())
    status = column(Label)
    attempts = column(Integer())
    last_error = column(Text(), nullable=True)
    created_at = column(UtcDateTime())
    delivered_at = column(UtcDateTime(), nullable=True)
    # Revision 0005: the next attempt of a pending delivery, what it sends, and its claim.
    next_attempt_at = column(UtcDateTime(), nullable=True)
    notification = column(JsonDocument(), nullable=True)
    claimed_by = column(Id, nullable=True)
    claimed_until = column(UtcDateTime(), nullable=True)

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        # Every query filter, each paired with the newest-first order the listing uses; the
        # due deliveries, in the order they are claimed; and one delivery per event and target.
        return (
            Index(None, "created_at"),
            Index(None, "status", "created_at"),
            Index(None, "agent_id", "created_at"),
            Index(None, "channel", "created_at"),
            Index(None, "execution_id"),
            Index(None, "status", "next_attempt_at"),
            UniqueConstraint(*DELIVERY_KEY, name=delivery_key_name(table_prefix)),
        )
