"""The schedules table."""

from __future__ import annotations

from sqlalchemy import Boolean, Index, Integer, Text
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.models.columns import (
    Id,
    JsonDocument,
    Label,
    Row,
    UtcDateTime,
    column,
)


class ScheduleRow(Row):
    base_name = "schedules"

    id = column(Id, primary_key=True)
    agent_id = column(Id)
    name = column(Id)
    cron_expr = column(Label)
    message = column(Text())
    instructions = column(Text(), nullable=True)
    input = column(JsonDocument())
    timezone = column(Label)
    enabled = column(Boolean())
    source = column(Label)
    deleted = column(Boolean())
    created_at = column(UtcDateTime())
    updated_at = column(UtcDateTime())
    last_run_at = column(UtcDateTime(), nullable=True)
    last_execution_id = column(Id, nullable=True)
    last_status = column(Label, nullable=True)
    # Revision 0004: the AGENT.md declaration's fingerprint, and the count of writes to it.
    spec_hash = column(Text(), nullable=True)
    revision = column(Integer())

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        return (Index(None, "agent_id"),)
