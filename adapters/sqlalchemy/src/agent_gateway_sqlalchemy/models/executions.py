"""Tables of executions and their event logs."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint, Index, Integer, PrimaryKeyConstraint, Text
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.models.columns import (
    Id,
    JsonDocument,
    Label,
    Row,
    UtcDateTime,
    column,
)


class ExecutionRow(Row):
    base_name = "executions"

    id = column(Id, primary_key=True)
    agent_id = column(Id)
    status = column(Label)
    kind = column(Label)
    message = column(Text())
    input = column(JsonDocument())
    user_id = column(Id, nullable=True)
    session_id = column(Id, nullable=True)
    parent_execution_id = column(Id, nullable=True)
    root_execution_id = column(Id, nullable=True)
    schedule_id = column(Id, nullable=True)
    idempotency_key = column(Id, nullable=True)
    created_at = column(UtcDateTime())
    started_at = column(UtcDateTime(), nullable=True)
    finished_at = column(UtcDateTime(), nullable=True)
    result = column(JsonDocument(), nullable=True)
    raw_text = column(Text(), nullable=True)
    stop_reason = column(Label, nullable=True)
    error = column(Text(), nullable=True)
    usage = column(JsonDocument())
    # The seq of the newest event: appending reserves the next ones with one atomic UPDATE.
    last_event_seq = column(Integer())
    owner = column(Id, nullable=True)  # the gateway instance answerable for it (revision 0003)
    job_payload = column(JsonDocument(), nullable=True)
    tracking = column(Id, nullable=True)  # the caller's tracking label (revision 0007)

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        # Every query filter, each paired with the newest-first order the listing uses.
        return (
            Index(None, "created_at"),
            Index(None, "agent_id", "created_at"),
            Index(None, "status", "created_at"),
            Index(None, "user_id", "created_at"),
            Index(None, "session_id", "created_at"),
            Index(None, "tracking", "created_at"),
        )


class ExecutionEventRow(Row):
    base_name = "execution_events"

    seq = column(Integer())
    type = column(Label)
    at = column(UtcDateTime())
    data = column(JsonDocument())
    execution_id = column(Id)

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        parent = f"{table_prefix}{ExecutionRow.base_name}.id"
        return (
            ForeignKeyConstraint(["execution_id"], [parent], ondelete="CASCADE"),
            PrimaryKeyConstraint("execution_id", "seq"),
        )
