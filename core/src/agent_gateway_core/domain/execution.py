"""Executions: the state machine, the stored record, the options and the result."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agent_gateway_core.domain.agent import Guardrails
from agent_gateway_core.domain.usage import Usage


class ExecutionStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset(
    {
        ExecutionStatus.SUCCEEDED,
        ExecutionStatus.FAILED,
        ExecutionStatus.CANCELLED,
        ExecutionStatus.TIMED_OUT,
    }
)

# queued -> running -> terminal; a queued execution may also be cancelled (or fail to start),
# and a running background one handed back to queued, to run again (its worker stopped first).
ALLOWED_TRANSITIONS: dict[ExecutionStatus, frozenset[ExecutionStatus]] = {
    ExecutionStatus.QUEUED: frozenset(
        {ExecutionStatus.RUNNING, ExecutionStatus.CANCELLED, ExecutionStatus.FAILED}
    ),
    ExecutionStatus.RUNNING: TERMINAL_STATUSES | {ExecutionStatus.QUEUED},
    **{status: frozenset() for status in TERMINAL_STATUSES},
}


def can_transition(current: ExecutionStatus, target: ExecutionStatus) -> bool:
    return target in ALLOWED_TRANSITIONS[current]


class StopReason(StrEnum):
    """Why an execution stopped."""

    COMPLETED = "completed"
    MAX_ITERATIONS = "max_iterations"
    MAX_TOOL_CALLS = "max_tool_calls"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
    ERROR = "error"


class ExecutionKind(StrEnum):
    INVOKE = "invoke"
    CHAT = "chat"
    SCHEDULE = "schedule"
    DELEGATION = "delegation"


class ExecutionRecord(BaseModel):
    """An execution as persisted. Created before the first model call; updated per transition."""

    model_config = ConfigDict(frozen=True)

    id: str
    agent_id: str
    status: ExecutionStatus
    kind: ExecutionKind = ExecutionKind.INVOKE
    message: str = ""
    input: dict[str, Any] = Field(default_factory=dict)
    user_id: str | None = None
    session_id: str | None = None
    parent_execution_id: str | None = None
    root_execution_id: str | None = None
    schedule_id: str | None = None
    idempotency_key: str | None = None
    # A label the caller chose for a group of requests (the HTTP ``X-Agent-Gateway-Tracking``
    # header), for auditing and for finding a run's executions again; ``None`` when unset.
    tracking: str | None = None
    created_at: datetime
    # When its latest run started. Kept when a run is handed back to ``queued``: a queued
    # execution with a ``started_at`` has run before, and its re-run replays the tool calls
    # that run completed (see the tool-call journal); one without has never started.
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: Any = None  # structured output when an output_schema applies
    raw_text: str | None = None
    stop_reason: StopReason | None = None
    error: str | None = None
    usage: Usage = Field(default_factory=Usage)
    # The gateway instance answerable for it until it ends: the one that accepted it while it
    # is queued, the one running it once it runs (see the InstanceStore port). ``None`` when
    # no instance held a lease for it (a runtime never started), or it predates ownership.
    owner: str | None = None
    # What a background execution needs to run beyond this record, as JSON: its queue job's
    # payload (per-call options, a schedule's instructions, prior messages), kept so another
    # process can run it again. ``None`` for an inline execution.
    job_payload: dict[str, Any] | None = None


class ExecutionOptions(BaseModel):
    """Per-call overrides: model, temperature, max tokens, guardrails, output schema, timeout."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    model: str | None = None
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    max_tokens: int | None = Field(default=None, gt=0)
    guardrails: Guardrails | None = None
    output_schema: dict[str, Any] | type[BaseModel] | None = None
    timeout_ms: int | None = Field(default=None, gt=0)
    instructions: str | None = None  # appended to the system prompt for this call only


class ExecutionResult(BaseModel):
    """The final result of an execution as returned to the caller."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    execution_id: str
    status: ExecutionStatus
    output: Any = None
    raw_text: str = ""
    stop_reason: StopReason = StopReason.COMPLETED
    usage: Usage = Field(default_factory=Usage)
    error: str | None = None
    error_code: str | None = None
    validation_errors: list[str] | None = None
    duration_ms: int = 0

    @property
    def succeeded(self) -> bool:
        return self.status is ExecutionStatus.SUCCEEDED
