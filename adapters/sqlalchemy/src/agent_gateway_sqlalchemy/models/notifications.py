"""The notification delivery log."""

from __future__ import annotations

from sqlalchemy import Index, Integer, Text
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.models.columns import Id, Label, Row, UtcDateTime, column


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

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        # Every query filter, each paired with the newest-first order the listing uses.
        return (
            Index(None, "created_at"),
            Index(None, "status", "created_at"),
            Index(None, "agent_id", "created_at"),
            Index(None, "channel", "created_at"),
            Index(None, "execution_id"),
        )
