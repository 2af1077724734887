"""Schedule records from AGENT.md declarations and from admin requests, validated."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from agent_gateway_core.domain.agent import AgentDefinition, ScheduleSpec
from agent_gateway_core.domain.ids import admin_schedule_id, workspace_schedule_id
from agent_gateway_core.domain.schedule import ScheduleRecord, ScheduleSource
from agent_gateway_core.errors import ScheduleValidationError
from agent_gateway_core.scheduling.cron_times import time_zone_problem
from agent_gateway_core.workspace.cron import cron_error

_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")


def workspace_records(
    agents: Iterable[AgentDefinition], *, default_timezone: str, now: datetime
) -> dict[str, ScheduleRecord]:
    """The records the AGENT.md files declare, by id, each with its declaration's hash."""
    records = {}
    for agent in agents:
        for spec in agent.schedules:
            timezone = spec.timezone or default_timezone
            record = ScheduleRecord(
                id=workspace_schedule_id(agent.id, spec.name),
                agent_id=agent.id,
                name=spec.name,
                cron_expr=spec.cron,
                message=spec.message,
                instructions=spec.instructions,
                input=dict(spec.input),
                timezone=timezone,
                enabled=spec.enabled,
                source=ScheduleSource.WORKSPACE,
                created_at=now,
                updated_at=now,
                spec_hash=_declaration_hash(spec, timezone),
            )
            records[record.id] = record
    return records


def _declaration_hash(spec: ScheduleSpec, timezone: str) -> str:
    declared = spec.model_dump(mode="json") | {"timezone": timezone}
    canonical = json.dumps(declared, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def admin_record(
    *,
    agents: Mapping[str, AgentDefinition],
    agent_id: str,
    name: str,
    cron_expr: str,
    message: str,
    instructions: str | None,
    input_data: Mapping[str, Any] | None,
    timezone: str,
    enabled: bool,
    now: datetime,
) -> ScheduleRecord:
    """A new admin schedule; ScheduleValidationError naming what is wrong."""
    if agent_id not in agents:
        known = ", ".join(sorted(agents)) or "none"
        raise ScheduleValidationError(f"unknown agent {agent_id!r} (known agents: {known})")
    if not _NAME.match(name):
        raise ScheduleValidationError(
            f"schedule name {name!r} may use only letters, digits, '_', '.' and '-'"
        )
    check_definition(cron_expr=cron_expr, timezone=timezone, message=message)
    return ScheduleRecord(
        id=admin_schedule_id(agent_id, name),
        agent_id=agent_id,
        name=name,
        cron_expr=cron_expr,
        message=message,
        instructions=instructions,
        input=dict(input_data or {}),
        timezone=timezone,
        enabled=enabled,
        source=ScheduleSource.ADMIN,
        created_at=now,
        updated_at=now,
    )


def check_definition(
    *, cron_expr: str | None = None, timezone: str | None = None, message: str | None = None
) -> None:
    """ScheduleValidationError for a bad cron expression, time zone or an empty message."""
    if cron_expr is not None and (problem := cron_error(cron_expr)):
        raise ScheduleValidationError(f"invalid cron expression {cron_expr!r}: {problem}")
    if timezone is not None and (problem := time_zone_problem(timezone)):
        raise ScheduleValidationError(problem)
    if message is not None and not message.strip():
        raise ScheduleValidationError("a schedule's message must not be empty")
