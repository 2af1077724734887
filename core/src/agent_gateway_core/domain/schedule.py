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
    """One schedule, shared by every gateway process on the store.

    ``enabled`` is the schedule's state as it stands: a pause sets it to ``False`` (for a
    workspace schedule as well, until its AGENT.md declaration changes). ``spec_hash`` is the
    fingerprint of the AGENT.md declaration a workspace schedule was last taken from (``None``
    for an admin schedule): while the file declares the same schedule, changes made at run
    time (pause, resume, update) stand; once the declaration changes, the file wins again.
    ``revision`` is kept by the store (see the ScheduleStore port).
    """

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
    spec_hash: str | None = None
    revision: int = 0
    # The last firing (cron or manual trigger): when, its execution, that execution's status
    # when it was accepted.
    last_run_at: datetime | None = None
    last_execution_id: str | None = None
    last_status: str | None = None
