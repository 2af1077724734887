"""The notification delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from agent_gateway_sqlalchemy.models.columns import Id, Label, Row


class NotificationDeliveryRow(Row):
    base_name = "notification_deliveries"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    execution_id: Mapped[str] = mapped_column(Id)
    agent_id: Mapped[str] = mapped_column(Id)
    event_type: Mapped[str] = mapped_column(Label)
    channel: Mapped[str] = mapped_column(Label)
    target: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Label)
    attempts: Mapped[int]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        # Every query filter, each paired with the newest-first order the listing uses.
        return (
            Index(None, "created_at"),
            Index(None, "status", "created_at"),
            Index(None, "agent_id", "created_at"),
            Index(None, "channel", "created_at"),
            Index(None, "execution_id"),
        )
