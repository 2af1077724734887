"""Cron schedules: from AGENT.md, or created by an admin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent_gateway_client.models._base import GatewayModel


class Schedule(GatewayModel):
    """A schedule; ``id`` is ``{agent_id}:{name}`` (AGENT.md) or ``admin:{agent_id}:{name}``."""

    id: str
    agent_id: str
    name: str
    cron_expr: str
    enabled: bool = True
    timezone: str = "UTC"
    source: str = ""
    next_run_at: datetime | None = None
    last_run_at: datetime | None = None
    created_at: datetime | None = None
    last_execution_id: str | None = None
    last_status: str | None = None


class ScheduleDetail(Schedule):
    """A schedule with its message, instructions and input."""

    message: str = ""
    instructions: str | None = None
    input: dict[str, Any] = {}
    updated_at: datetime | None = None


class ScheduleAction(GatewayModel):
    """What a change did: ``created``, ``deleted``, ``paused``, ``resumed`` or ``updated``."""

    status: str
    schedule_id: str


class ScheduleTriggered(GatewayModel):
    """A run started now; follow it with ``executions.wait(execution_id)``."""

    status: str = "triggered"
    schedule_id: str
    execution_id: str
