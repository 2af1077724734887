"""Executions: their records, event logs and cancellation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from agent_gateway_client.models._base import GatewayModel, Usage

TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled", "timed_out"})
"""The statuses an execution ends in; ``queued`` and ``running`` are the others."""

TERMINAL_EVENT_TYPES = frozenset(
    {"execution.completed", "execution.failed", "execution.cancelled", "execution.timed_out"}
)
"""The event types that end an execution's event log."""


class Execution(GatewayModel):
    """A stored execution: status, timestamps, result and usage."""

    id: str
    agent_id: str = ""
    status: str
    kind: str | None = None
    message: str = ""
    input: dict[str, Any] = {}
    session_id: str | None = None
    parent_execution_id: str | None = None
    schedule_id: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: Any = None
    raw_text: str | None = None
    stop_reason: str | None = None
    error: str | None = None
    usage: Usage = Field(default_factory=Usage)
    tracking: str | None = None
    """The ``X-Agent-Gateway-Tracking`` label of the request that created it."""

    @property
    def is_terminal(self) -> bool:
        """Whether it has ended (succeeded, failed, cancelled or timed out)."""
        return self.status in TERMINAL_STATUSES


class ExecutionEvent(GatewayModel):
    """One event of an execution's log, numbered by ``seq`` from 1."""

    seq: int
    type: str
    at: datetime
    data: dict[str, Any] = {}

    @property
    def is_terminal(self) -> bool:
        """Whether it is the last event of the log (the execution ended)."""
        return self.type in TERMINAL_EVENT_TYPES


class CancelResult(GatewayModel):
    """A cancellation asked for; the execution ends ``cancelled`` at its next step."""

    execution_id: str
    cancel_requested: bool
