"""Bodies of the schedule routes: the existing product's ScheduleInfo, ScheduleDetailInfo and
CreateScheduleRequest, plus the last run's execution and status, and an update body."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent_gateway.api.schemas import MAX_MESSAGE_CHARS
from agent_gateway_core.domain.schedule import ScheduleSource

_REQUEST = ConfigDict(extra="forbid")
_NAME_PATTERN = r"^[A-Za-z0-9_.\-]+$"


class ScheduleInfo(BaseModel):
    id: str = Field(description="`{agent_id}:{name}` (AGENT.md) or `admin:{agent_id}:{name}`.")
    agent_id: str
    name: str
    cron_expr: str = Field(description="Standard 5-field cron expression.")
    enabled: bool = Field(description="False while paused (or disabled in AGENT.md).")
    timezone: str = Field(description="IANA time zone the cron expression is read in.")
    source: ScheduleSource
    next_run_at: datetime | None = Field(
        description="The next occurrence; null when paused, its agent is disabled or unknown, "
        "or it never fires again."
    )
    last_run_at: datetime | None
    created_at: datetime
    last_execution_id: str | None = Field(description="The execution of the last run.")
    last_status: str | None = Field(description="That execution's status now.")


class ScheduleDetailInfo(ScheduleInfo):
    message: str
    instructions: str | None = Field(description="Added to the agent's system prompt per run.")
    input: dict[str, Any]
    updated_at: datetime


class CreateScheduleRequest(BaseModel):
    """``POST /v1/schedules``: an admin schedule, stored in the database."""

    model_config = _REQUEST

    agent_id: str = Field(min_length=1, max_length=256)
    name: str = Field(min_length=1, max_length=128, pattern=_NAME_PATTERN)
    cron_expr: str = Field(min_length=9, max_length=128, examples=["0 9 * * 1-5"])
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    instructions: str | None = Field(default=None, max_length=4000)
    input: dict[str, Any] = Field(default_factory=dict)
    timezone: str = Field(default="UTC", max_length=64, examples=["Europe/London"])
    enabled: bool = True


class UpdateScheduleRequest(BaseModel):
    """``PATCH /v1/schedules/{id}``: only the fields given change (AGENT.md is not edited)."""

    model_config = _REQUEST

    cron_expr: str | None = Field(default=None, min_length=9, max_length=128)
    message: str | None = Field(default=None, min_length=1, max_length=MAX_MESSAGE_CHARS)
    timezone: str | None = Field(default=None, max_length=64)
    enabled: bool | None = None
    instructions: str | None = Field(default=None, max_length=4000)


class ScheduleActionResponse(BaseModel):
    status: Literal["created", "deleted", "paused", "resumed", "updated"]
    schedule_id: str


class TriggerResponse(BaseModel):
    status: Literal["triggered"] = "triggered"
    schedule_id: str
    execution_id: str
