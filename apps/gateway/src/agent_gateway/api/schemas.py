"""Request and response bodies of the HTTP API (pydantic v2).

Request bodies forbid unknown fields, so a typo (``mesage``) is a 422 naming the field instead
of being silently ignored, and their booleans and integers are strict: ``0`` is not ``false``,
``"5"`` and ``5.0`` are not ``5``. ``message`` is at most :data:`MAX_MESSAGE_CHARS` characters,
as in the existing product. Responses are built from domain objects by the ``from_*``
constructors, so routes stay a line or two of HTTP mapping.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictBool, StrictInt, field_validator

from agent_gateway_core.domain.agent import AgentScope, ExecutionMode
from agent_gateway_core.domain.conversation import ConversationRecord, MessageRecord, Session
from agent_gateway_core.domain.events import ExecutionEvent
from agent_gateway_core.domain.execution import (
    ExecutionKind,
    ExecutionOptions,
    ExecutionRecord,
    ExecutionResult,
    ExecutionStatus,
    StopReason,
)
from agent_gateway_core.domain.messages import Message, Role, ToolCall
from agent_gateway_core.domain.skill import WorkflowStep
from agent_gateway_core.domain.tool import ToolSource
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.engine.schemas import json_schema_validator
from agent_gateway_core.errors import ConfigError

_REQUEST = ConfigDict(extra="forbid", populate_by_name=True)

MAX_MESSAGE_CHARS = 102_400
"""The longest ``message`` a request may carry (the existing product's limit)."""

MAX_NAME_CHARS = 255
"""The longest session id or model name a request may carry."""

# ---------------------------------------------------------------- requests


class InvokeOptions(BaseModel):
    """Per-call overrides of the agent's model settings."""

    model_config = _REQUEST

    model: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description="A litellm model string: one the workspace configures (model.default, "
        "model.fallback, an agent's model or fallback) or lists in model.allowed_overrides.",
    )
    temperature: Annotated[float, Strict()] | None = Field(default=None, ge=0.0, le=2.0)
    max_tokens: StrictInt | None = Field(default=None, gt=0)
    timeout_ms: StrictInt | None = Field(
        default=None,
        ge=1_000,
        le=300_000,
        description="Deadline of the execution, in milliseconds (1,000 to 300,000).",
    )
    output_schema: dict[str, Any] | None = Field(
        default=None, description="A JSON Schema the answer must match (overrides the agent's)."
    )
    run_async: StrictBool = Field(
        default=False,
        alias="async",
        description="Run in the background: answer 202 at once, with a `Location` to poll "
        "(as `options.async` in the existing product; `async` beside `options` works too).",
    )

    @field_validator("output_schema")
    @classmethod
    def _valid_json_schema(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            try:
                json_schema_validator(value, what="output_schema")
            except ConfigError as exc:
                raise ValueError(str(exc)) from exc
        return value

    def to_domain(self) -> ExecutionOptions:
        return ExecutionOptions(**self.model_dump(exclude_none=True, exclude={"run_async"}))


class InvokeRequest(BaseModel):
    """``POST /v1/agents/{agent_id}/invoke``."""

    model_config = _REQUEST

    message: str = Field(max_length=MAX_MESSAGE_CHARS, description="The user message.")
    input: dict[str, Any] = Field(
        default_factory=dict, description="Structured input, checked against the input schema."
    )
    options: InvokeOptions | None = None
    run_async: StrictBool = Field(
        default=False,
        alias="async",
        description="Run in the background: answer 202 at once and poll the execution.",
    )

    @field_validator("input", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    def execution_options(self) -> ExecutionOptions:
        return self.options.to_domain() if self.options else ExecutionOptions()

    @property
    def wants_async(self) -> bool:
        """Whether the caller asked to run in the background, either way it may say so."""
        return self.run_async or (self.options is not None and self.options.run_async)


class ChatRequest(BaseModel):
    """``POST /v1/agents/{agent_id}/chat``."""

    model_config = _REQUEST

    message: str = Field(max_length=MAX_MESSAGE_CHARS, description="The user message of this turn.")
    session_id: str | None = Field(
        default=None, max_length=MAX_NAME_CHARS, description="Continue this session."
    )
    input: dict[str, Any] | None = Field(
        default=None, description="Metadata merged into the session."
    )
    options: InvokeOptions | None = None
    stream: StrictBool = Field(default=False, description="Answer as Server-Sent Events.")

    def execution_options(self) -> ExecutionOptions | None:
        return self.options.to_domain() if self.options else None


# ---------------------------------------------------------------- executions


class InvokeResponse(BaseModel):
    """A finished execution, as a sync invoke answers it."""

    execution_id: str
    agent_id: str
    status: ExecutionStatus
    output: Any = None
    raw_text: str = ""
    stop_reason: StopReason | None = None
    usage: Usage = Field(default_factory=Usage)
    duration_ms: int = 0

    @classmethod
    def from_result(cls, agent_id: str, result: ExecutionResult) -> InvokeResponse:
        return cls(
            execution_id=result.execution_id,
            agent_id=agent_id,
            status=result.status,
            output=result.output,
            raw_text=result.raw_text,
            stop_reason=result.stop_reason,
            usage=result.usage,
            duration_ms=result.duration_ms,
        )


class AcceptedResponse(BaseModel):
    """An execution accepted to run in the background; poll ``GET /v1/executions/{id}``."""

    execution_id: str
    status: ExecutionStatus
    poll_url: str = Field(description="Where to follow it: `GET /v1/executions/{id}`.")


class ChatResponse(BaseModel):
    """One finished chat turn."""

    session_id: str
    execution_id: str
    agent_id: str
    status: ExecutionStatus
    raw_text: str = ""
    output: Any = None
    stop_reason: StopReason | None = None
    usage: Usage = Field(default_factory=Usage)
    duration_ms: int = 0

    @classmethod
    def from_result(cls, session_id: str, agent_id: str, result: ExecutionResult) -> ChatResponse:
        return cls(
            session_id=session_id,
            agent_id=agent_id,
            **InvokeResponse.from_result(agent_id, result).model_dump(exclude={"agent_id"}),
        )


class ExecutionOut(BaseModel):
    """A stored execution record."""

    id: str
    agent_id: str
    status: ExecutionStatus
    kind: ExecutionKind
    message: str
    input: dict[str, Any]
    session_id: str | None
    parent_execution_id: str | None
    schedule_id: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: Any
    raw_text: str | None
    stop_reason: StopReason | None
    error: str | None
    usage: Usage
    tracking: str | None = Field(
        description="The `X-Agent-Gateway-Tracking` label of the request that created it."
    )

    @classmethod
    def from_record(cls, record: ExecutionRecord) -> ExecutionOut:
        return cls.model_validate(record.model_dump(exclude={"user_id", "idempotency_key"}))


class ExecutionPage(BaseModel):
    items: list[ExecutionOut]
    total: int
    limit: int
    offset: int


class ExecutionEventOut(BaseModel):
    seq: int
    type: str
    at: datetime
    data: dict[str, Any]

    @classmethod
    def from_event(cls, event: ExecutionEvent) -> ExecutionEventOut:
        return cls(seq=event.seq, type=event.type.value, at=event.at, data=event.data)


class CancelResponse(BaseModel):
    execution_id: str
    cancel_requested: bool


# ---------------------------------------------------------------- sessions


class SessionOut(BaseModel):
    id: str
    agent_id: str
    message_count: int
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_session(cls, session: Session) -> SessionOut:
        return cls(
            id=session.id,
            agent_id=session.agent_id,
            message_count=len(session.messages),
            metadata=session.metadata,
            created_at=session.created_at,
            updated_at=session.updated_at,
        )


class SessionDetail(SessionOut):
    messages: list[Message]

    @classmethod
    def from_session(cls, session: Session) -> SessionDetail:
        summary = SessionOut.from_session(session)
        return cls(**summary.model_dump(), messages=session.messages)


# ---------------------------------------------------------------- conversations


class ConversationOut(BaseModel):
    """A stored chat: one per session, kept after the session leaves memory."""

    id: str = Field(description="The session id; continue the chat with it.")
    agent_id: str
    title: str | None
    metadata: dict[str, Any]
    message_count: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_record(cls, record: ConversationRecord) -> ConversationOut:
        return cls.model_validate(record.model_dump(exclude={"user_id"}))


class ConversationPage(BaseModel):
    items: list[ConversationOut]
    total: int
    limit: int
    offset: int


class StoredMessageOut(BaseModel):
    """One message of a stored conversation, in the OpenAI chat shape plus its place."""

    seq: int
    role: Role
    content: str | None
    tool_calls: list[ToolCall]
    tool_call_id: str | None
    name: str | None
    execution_id: str | None
    created_at: datetime

    @classmethod
    def from_record(cls, record: MessageRecord) -> StoredMessageOut:
        message = record.message
        return cls(
            seq=record.seq,
            role=message.role,
            content=message.content,
            tool_calls=list(message.tool_calls),
            tool_call_id=message.tool_call_id,
            name=message.name,
            execution_id=record.execution_id,
            created_at=record.created_at,
        )


class MessagePage(BaseModel):
    items: list[StoredMessageOut]
    total: int
    limit: int
    offset: int


# ---------------------------------------------------------------- catalog


class AgentOut(BaseModel):
    id: str
    display_name: str
    description: str
    tags: list[str]
    version: str | None = Field(description="`version` from AGENT.md, as text; null if unset.")
    enabled: bool
    execution_mode: ExecutionMode
    model: str | None = Field(description="The primary model (AGENT.md, else gateway.yaml).")
    skills: list[str]
    tools: list[str]
    has_input_schema: bool
    has_output_schema: bool


class ScheduleOut(BaseModel):
    id: str
    name: str
    cron: str
    message: str
    instructions: str | None
    timezone: str
    enabled: bool


class AgentDetail(AgentOut):
    scope: AgentScope
    input_schema: dict[str, Any] | None
    output_schema: dict[str, Any] | None
    schedules: list[ScheduleOut]
    delegates_to: list[str]


class SkillOut(BaseModel):
    id: str
    name: str
    description: str
    tools: list[str]
    has_workflow: bool


class SkillDetail(SkillOut):
    instructions: str
    workflow: list[WorkflowStep]


class ToolOut(BaseModel):
    name: str
    description: str
    source: ToolSource
    parameters: dict[str, Any] = Field(description="JSON Schema of the arguments.")


class ToolDetail(ToolOut):
    path: str | None
    provider: str | None
    allowed_agents: list[str] | None
    require_approval: bool
    timeout_seconds: float | None


# ---------------------------------------------------------------- admin


class ReloadResponse(BaseModel):
    status: str = "reloaded"
    agents: int
    skills: int
    tools: int
