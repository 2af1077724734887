"""Agent definitions as declared in ``agents/<id>/AGENT.md`` (frontmatter + body)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agent_gateway_core.json_nesting import DEFAULT_MAX_JSON_DEPTH

_STRICT = ConfigDict(extra="forbid", frozen=True)


class ExecutionMode(StrEnum):
    SYNC = "sync"
    ASYNC = "async"


class AgentScope(StrEnum):
    GLOBAL = "global"
    PERSONAL = "personal"


class ModelConfig(BaseModel):
    """Which model an agent uses. ``name`` is a litellm model string (``openai/gpt-4o-mini``)."""

    model_config = _STRICT

    name: str | None = None
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    max_tokens: int | None = Field(default=None, gt=0)
    fallback: tuple[str, ...] = ()
    api_base: str | None = None
    client: str | None = None  # which LLMClient to use when several are registered

    @field_validator("fallback", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:  # `fallback: null`, as the existing product writes it: none
            return ()
        if isinstance(value, str):
            return (value,)
        return value


class MemoryConfig(BaseModel):
    model_config = _STRICT

    enabled: bool = False
    auto_extract: bool = False
    max_injected_chars: int = Field(default=4000, gt=0)
    max_memory_md_lines: int = Field(default=200, gt=0)


class ScheduleSpec(BaseModel):
    """A cron schedule declared in AGENT.md."""

    model_config = _STRICT

    name: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    cron: str
    message: str
    instructions: str | None = None
    input: dict[str, Any] = Field(default_factory=dict)
    timezone: str | None = None  # None: gateway.yaml `timezone` (default UTC)
    enabled: bool = True

    @field_validator("cron")
    @classmethod
    def _five_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(f"cron expression must have 5 fields, got {value!r}")
        return value


class NotificationTarget(BaseModel):
    """Where one event of an agent is sent: ``target`` is a Slack channel or the name of a
    webhook of gateway.yaml; ``template`` names a Slack template; ``url`` (with an optional
    ``payload_template``) is a webhook of this agent's own."""

    model_config = _STRICT

    channel: str  # "slack", "webhook", or a custom backend's name
    target: str = ""  # Slack channel, webhook endpoint name, ...
    template: str | None = None
    url: str | None = None
    payload_template: str | None = None


class NotificationConfig(BaseModel):
    model_config = _STRICT

    on_complete: tuple[NotificationTarget, ...] = ()
    on_error: tuple[NotificationTarget, ...] = ()
    on_timeout: tuple[NotificationTarget, ...] = ()

    def targets(self) -> list[tuple[str, NotificationTarget]]:
        """Every ``(event key, target)``, in the order declared; empty when none is."""
        return [
            (event, target)
            for event in ("on_complete", "on_error", "on_timeout")
            for target in getattr(self, event)
        ]


class ContextFile(BaseModel):
    """A file appended to the system prompt: ``agents/<id>/context/*.md`` or one in ``context:``.

    ``name`` is the file name for ``context/`` files and the path as written for the others.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    content: str


class Guardrails(BaseModel):
    """Limits that stop a runaway execution.

    ``timeout_ms`` is the existing product's name for the execution deadline: it is accepted
    in milliseconds and kept as ``timeout_seconds``; giving both with different values is an
    error. ``max_delegation_depth`` is accepted and kept, but not in effect yet: agents do
    not delegate to each other yet.
    """

    model_config = _STRICT

    max_iterations: int = Field(default=10, gt=0)
    max_tool_calls: int = Field(default=20, gt=0)
    timeout_seconds: float = Field(default=300.0, gt=0)
    tool_timeout_seconds: float = Field(default=60.0, gt=0)
    max_delegation_depth: int = Field(default=3, ge=0)
    # Levels of objects and arrays a structured answer may nest; a deeper one fails validation.
    max_output_depth: int = Field(default=DEFAULT_MAX_JSON_DEPTH, gt=0, le=200)
    # Input only: folded into timeout_seconds by the validator below, then cleared.
    timeout_ms: int | None = Field(default=None, gt=0, exclude=True, repr=False)

    @model_validator(mode="after")
    def _timeout_ms_is_timeout_seconds(self) -> Guardrails:
        if self.timeout_ms is None:
            return self
        seconds = self.timeout_ms / 1000
        if "timeout_seconds" in self.model_fields_set and self.timeout_seconds != seconds:
            raise ValueError(
                f"timeout_ms ({self.timeout_ms}, i.e. {seconds:g} s) and timeout_seconds "
                f"({self.timeout_seconds:g}) disagree; set only one of them"
            )
        # The model is frozen; this runs while it is being built, before anyone can see it.
        object.__setattr__(self, "timeout_seconds", seconds)
        object.__setattr__(self, "timeout_ms", None)
        self.model_fields_set.add("timeout_seconds")
        self.model_fields_set.discard("timeout_ms")
        return self


class AgentDefinition(BaseModel):
    """A fully parsed agent. ``id`` is its directory name; ``prompt`` the AGENT.md body.

    ``behavior`` is the body of the optional BEHAVIOR.md beside AGENT.md; ``context_files``
    are ``context/*.md`` then the files AGENT.md lists under ``context:``, read at load time.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    id: str
    prompt: str = ""
    behavior: str = ""
    path: str | None = None
    description: str = ""
    display_name: str | None = None
    tags: tuple[str, ...] = ()
    version: str | None = None
    enabled: bool = True
    skills: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    model: ModelConfig = Field(default_factory=ModelConfig)
    memory: MemoryConfig = Field(default_factory=MemoryConfig)
    retrievers: tuple[str, ...] = ()
    mcp_servers: tuple[str, ...] = ()
    execution_mode: ExecutionMode = ExecutionMode.SYNC
    schedules: tuple[ScheduleSpec, ...] = ()
    notifications: NotificationConfig = Field(default_factory=NotificationConfig)
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    scope: AgentScope = AgentScope.GLOBAL
    setup_schema: dict[str, Any] | None = None
    delegates_to: tuple[str, ...] = ()
    guardrails: Guardrails | None = None  # None: the workspace default
    context_files: tuple[ContextFile, ...] = ()

    @property
    def name(self) -> str:
        return self.display_name or self.id
