"""The schedules table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from agent_gateway_sqlalchemy.models.columns import Id, Label, Row


class ScheduleRow(Row):
    base_name = "schedules"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    agent_id: Mapped[str] = mapped_column(Id)
    name: Mapped[str] = mapped_column(Id)
    cron_expr: Mapped[str] = mapped_column(Label)
    message: Mapped[str] = mapped_column(Text)
    instructions: Mapped[str | None] = mapped_column(Text)
    input: Mapped[dict[str, Any]]
    timezone: Mapped[str] = mapped_column(Label)
    enabled: Mapped[bool]
    source: Mapped[str] = mapped_column(Label)
    deleted: Mapped[bool]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]
    last_execution_id: Mapped[str | None] = mapped_column(Id)
    last_status: Mapped[str | None] = mapped_column(Label)

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        return (Index(None, "agent_id"),)
