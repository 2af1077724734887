"""A schedule as the API shows it: its record plus when it fires next and how its last run went."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from agent_gateway_core.domain.schedule import ScheduleSource

# The keys of a schedule in a list (the existing product's ScheduleInfo), then ours.
SUMMARY_KEYS = (
    "id", "agent_id", "name", "cron_expr", "enabled", "timezone", "source", "next_run_at",
    "last_run_at", "created_at", "last_execution_id", "last_status",
)  # fmt: skip


class ScheduleView(BaseModel):
    """``next_run_at`` is ``None`` for a paused schedule, one of a disabled or unknown agent,
    or one that never fires again. ``last_status`` is the status of the last run's
    execution now (``queued``, ``running``, ``succeeded``, ...)."""

    model_config = ConfigDict(frozen=True)

    id: str
    agent_id: str
    name: str
    cron_expr: str
    message: str
    instructions: str | None
    input: dict[str, Any]
    enabled: bool
    timezone: str
    source: ScheduleSource
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_execution_id: str | None
    last_status: str | None
    created_at: datetime
    updated_at: datetime

    def summary(self) -> dict[str, Any]:
        """What ``list_schedules`` returns per schedule."""
        return self.model_dump(include=set(SUMMARY_KEYS))

    def detail(self) -> dict[str, Any]:
        """What ``get_schedule`` returns: the summary plus message, instructions and input."""
        return self.model_dump()
