"""What the frontmatter of AGENT.md, SKILL.md and TOOL.md may hold.

Every model forbids unknown keys so that a typo (``temprature``) is reported instead of being
silently ignored. Checks of a single value (a cron expression, a JSON Schema) live here too,
so one validation pass reports them all; the loader turns these into domain definitions.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agent_gateway_core.domain.agent import (
    AgentScope,
    ExecutionMode,
    Guardrails,
    MemoryConfig,
    ModelConfig,
    NotificationConfig,
)
from agent_gateway_core.domain.skill import WorkflowStep
from agent_gateway_core.workspace.json_schema import json_schema_error
from agent_gateway_core.workspace.schedules import ScheduleEntry, duplicate_names_error

_STRICT = ConfigDict(extra="forbid", frozen=True)

JsonType = Literal["string", "number", "integer", "boolean", "array", "object", "null"]


class AgentFrontmatter(BaseModel):
    """AGENT.md frontmatter: every :class:`AgentDefinition` field the author sets."""

    model_config = _STRICT

    description: str = ""
    display_name: str | None = None
    tags: tuple[str, ...] = ()
    version: str | None = None
    enabled: bool = True
    skills: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    # Files added to the system prompt, relative to the workspace root; read by the loader.
    context: tuple[str, ...] = ()
    model: ModelConfig = Field(default_factory=ModelConfig)
    memory: MemoryConfig = Field(default_factory=MemoryConfig)
    retrievers: tuple[str, ...] = ()
    mcp_servers: tuple[str, ...] = ()
    execution_mode: ExecutionMode = ExecutionMode.SYNC
    schedules: tuple[ScheduleEntry, ...] = ()
    notifications: NotificationConfig = Field(default_factory=NotificationConfig)
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    scope: AgentScope = AgentScope.GLOBAL
    setup_schema: dict[str, Any] | None = None
    delegates_to: tuple[str, ...] = ()
    guardrails: Guardrails | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # YAML reads `version: 1.2` as a number and `version: 2024-05-01` as a date; both
        # mean the text the author wrote (as the existing product does: str(value)).
        if isinstance(value, int | float | date) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("model", mode="before")
    @classmethod
    def _model_name_shorthand(cls, value: Any) -> Any:
        # `model: openai/gpt-4o-mini` is the common case; it means `model: {name: ...}`.
        return {"name": value} if isinstance(value, str) else value

    @field_validator("schedules")
    @classmethod
    def _unique_schedule_names(cls, value: tuple[ScheduleEntry, ...]) -> tuple[ScheduleEntry, ...]:
        error = duplicate_names_error(value)
        if error:
            raise ValueError(error)
        return value

    @field_validator("input_schema", "output_schema", "setup_schema")
    @classmethod
    def _valid_json_schema(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        error = json_schema_error(value) if value is not None else None
        if error:
            raise ValueError(error)
        return value


class ReferenceToolCall(BaseModel):
    """One call of a parallel group in the existing product's ``steps:`` (``tools:``)."""

    model_config = _STRICT

    tool: str
    input: dict[str, Any] = Field(default_factory=dict)


class ReferenceStep(BaseModel):
    """One step of the existing product's ``steps:`` in SKILL.md; read as a workflow step.

    Exactly one of ``tool``, ``tools`` (a parallel group) and ``prompt`` is checked by the
    loader, which reports every step's problems together.
    """

    model_config = _STRICT

    name: str
    tool: str | None = None
    tools: tuple[ReferenceToolCall, ...] | None = None
    prompt: str | None = None
    system_prompt: str | None = None  # only with ``prompt``
    input: dict[str, Any] = Field(default_factory=dict)

    @field_validator("tools")
    @classmethod
    def _some_tools(
        cls, value: tuple[ReferenceToolCall, ...] | None
    ) -> tuple[ReferenceToolCall, ...] | None:
        # An after-validator, so that a broken call is not also reported as a missing one.
        if value == ():
            raise ValueError("must list at least one tool call")
        return value


class SkillFrontmatter(BaseModel):
    """SKILL.md frontmatter; the body holds the instructions.

    ``steps`` is the existing product's spelling of a workflow; a skill has one or the other.
    """

    model_config = _STRICT

    name: str | None = None  # None: the directory name
    description: str = ""
    tools: tuple[str, ...] = ()
    workflow: tuple[WorkflowStep, ...] = ()
    steps: tuple[ReferenceStep, ...] = ()


class ToolParameter(BaseModel):
    """One entry of ``parameters:`` in TOOL.md.

    ``required`` left out means required, unless a ``default`` is given. ``items`` is the
    JSON Schema of the elements of an ``array`` parameter.
    """

    model_config = _STRICT

    type: JsonType
    description: str = ""
    required: bool | None = None
    enum: tuple[Any, ...] | None = Field(default=None, min_length=1)
    default: Any = None
    items: dict[str, Any] | None = None

    @property
    def has_default(self) -> bool:
        return "default" in self.model_fields_set

    @property
    def is_required(self) -> bool:
        return self.required if self.required is not None else not self.has_default


class ToolFrontmatter(BaseModel):
    """TOOL.md frontmatter; ``handler.py`` beside it holds the code."""

    model_config = _STRICT

    name: str | None = None  # None: the directory name
    description: str = ""
    parameters: dict[str, ToolParameter] = Field(default_factory=dict)
    timeout_seconds: float | None = Field(default=None, gt=0)
    allowed_agents: tuple[str, ...] | None = None
    require_approval: bool = False
    idempotent: bool = False  # a re-run calls it again instead of replaying its result
