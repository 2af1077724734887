"""Cron schedules as stored: declared in AGENT.md (workspace) or created by an admin."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ScheduleSource(StrEnum):
    WORKSPACE = "workspace"
    ADMIN = "admin"


class ScheduleRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str  # "{agent_id}:{name}" or "admin:{agent_id}:{name}"
    agent_id: str
    name: str
    cron_expr: str
    message: str
    instructions: str | None = None
    input: dict[str, Any] = Field(default_factory=dict)
    timezone: str = "UTC"
    enabled: bool = True
    source: ScheduleSource = ScheduleSource.WORKSPACE
    deleted: bool = False
    created_at: datetime
    updated_at: datetime
    last_run_at: datetime | None = None
    last_execution_id: str | None = None
    last_status: str | None = None
