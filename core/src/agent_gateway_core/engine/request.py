"""What the engine is asked to run, and what a streamed execution yields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent_gateway_core.domain.execution import ExecutionKind, ExecutionOptions, ExecutionResult
from agent_gateway_core.domain.ids import new_execution_id
from agent_gateway_core.domain.messages import Message, ToolCall
from agent_gateway_core.domain.tool import ToolResult


@dataclass(frozen=True, slots=True, kw_only=True)
class CallerLabels:
    """What a caller tags a run with, stored on its record: the ``idempotency_key`` it sent
    and its ``tracking`` label (see :class:`~agent_gateway_core.domain.execution.ExecutionRecord`)."""

    idempotency_key: str | None = None
    tracking: str | None = None


NO_LABELS = CallerLabels()


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutionRequest:
    """One execution to run.

    ``history`` holds the prior messages of a chat. ``instructions`` are a schedule's
    instructions, added to the system prompt like ``options.instructions``. Chat turns
    (``kind=CHAT``) skip the input schema (their input is session metadata) and honour only
    ``options.output_schema``. ``record_created`` says the caller already stored the record as
    ``queued`` (a background execution), so the engine only moves it on; ``never_started``
    that no run of that record ever started (the first delivery of its job), so there are no
    earlier tool results to replay and the engine does not read its event log for them.
    ``idempotency_key`` and ``tracking`` are the caller's labels, stored on the record.
    """

    agent_id: str
    message: str
    input: dict[str, Any] = field(default_factory=dict)
    options: ExecutionOptions = field(default_factory=ExecutionOptions)
    history: tuple[Message, ...] = ()
    user_id: str | None = None
    session_id: str | None = None
    execution_id: str = field(default_factory=new_execution_id)
    kind: ExecutionKind = ExecutionKind.INVOKE
    parent_execution_id: str | None = None
    schedule_id: str | None = None
    idempotency_key: str | None = None
    tracking: str | None = None
    instructions: str | None = None
    record_created: bool = False
    never_started: bool = False


def job_payload(request: ExecutionRequest) -> dict[str, Any]:
    """What a background run of ``request`` needs beyond its stored record, as plain JSON:
    per-call options, a schedule's instructions, prior messages. An output schema given as a
    pydantic class travels as its JSON Schema (a class does not cross processes; its schema
    validates the same)."""
    options = request.options
    if isinstance(options.output_schema, type):
        schema = options.output_schema.model_json_schema()
        options = options.model_copy(update={"output_schema": schema})
    payload: dict[str, Any] = {"options": options.model_dump(mode="json", exclude_none=True)}
    if request.instructions:
        payload["instructions"] = request.instructions
    if request.history:
        payload["history"] = [message.model_dump(mode="json") for message in request.history]
    return payload


@dataclass(frozen=True, slots=True)
class StreamStarted:
    """First item of a stream: the execution is persisted and about to call the model."""

    execution_id: str
    agent_id: str
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class StreamDelta:
    """A piece of the model's text as it arrives."""

    text: str


@dataclass(frozen=True, slots=True)
class StreamToolCall:
    call: ToolCall


@dataclass(frozen=True, slots=True)
class StreamToolResult:
    result: ToolResult


StreamItem = StreamStarted | StreamDelta | StreamToolCall | StreamToolResult | ExecutionResult
"""What :meth:`ExecutionEngine.stream` yields; the last item is always the ExecutionResult."""
