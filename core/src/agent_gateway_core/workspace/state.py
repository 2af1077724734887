"""The loaded, validated workspace: an immutable snapshot the engine runs against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from agent_gateway_core.domain.agent import AgentDefinition, Guardrails
from agent_gateway_core.domain.skill import SkillDefinition
from agent_gateway_core.domain.tool import ToolDefinition


class ModelDefaults(BaseModel):
    """``model:`` in gateway.yaml: what agents use when AGENT.md does not say."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: str | None = None
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    max_tokens: int | None = Field(default=None, gt=0)
    api_base: str | None = None
    api_key: str | None = None
    fallback: tuple[str, ...] = ()
    timeout_seconds: float | None = Field(default=None, gt=0)
    # Models a caller may name in options.model besides those configured here and in AGENT.md
    # files; an entry ending in "*" allows every model starting with what precedes it.
    allowed_overrides: tuple[str, ...] = ()

    @field_validator("fallback", "allowed_overrides", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        # The existing product writes `fallback: null` (none) or one model string.
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        return value


def _known_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(
            f"unknown timezone {name!r}: use an IANA name such as 'UTC', 'Europe/London' "
            "or 'America/New_York'"
        ) from exc
    return name


TimezoneName = Annotated[str, AfterValidator(_known_timezone)]
"""An IANA timezone name (``Europe/Paris``), checked against the system's zone database."""

BusinessContext = dict[str, Any]
"""``context:`` in gateway.yaml: facts about the business, added to every system prompt."""


class ContextRetrieval(BaseModel):
    """``context_retrieval:`` in gateway.yaml: bounds on what context adds to a prompt.

    ``max_context_file_chars`` truncates each static context file of an agent;
    ``max_retrieved_chars`` caps the text of all its retrievers together (whole passages,
    in the agent's retriever order); ``retriever_timeout_seconds`` bounds each retriever call.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    retriever_timeout_seconds: float = Field(default=10.0, gt=0)
    max_retrieved_chars: int = Field(default=50_000, gt=0)
    max_context_file_chars: int = Field(default=100_000, gt=0)


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkspaceState:
    """Agents, skills and tools of one workspace, plus gateway.yaml.

    ``config`` holds gateway.yaml after ``${VAR}`` substitution, as a plain mapping: each
    host (the app, a worker) validates the sections it owns. ``model`` and ``guardrails``
    are the sections the core itself needs, already validated, as are ``context_retrieval``,
    ``context`` (the business context added to every system prompt) and ``timezone`` (the
    default for schedules; no scheduler reads it yet). ``shared_prompt`` and
    ``shared_behavior`` are the bodies of ``agents/AGENTS.md`` and ``agents/BEHAVIOR.md``,
    which open every agent's system prompt.
    """

    root: Path | None
    agents: Mapping[str, AgentDefinition] = field(default_factory=dict)
    skills: Mapping[str, SkillDefinition] = field(default_factory=dict)
    tools: Mapping[str, ToolDefinition] = field(default_factory=dict)
    shared_prompt: str = ""
    shared_behavior: str = ""
    model: ModelDefaults = field(default_factory=ModelDefaults)
    guardrails: Guardrails = field(default_factory=Guardrails)
    context_retrieval: ContextRetrieval = field(default_factory=ContextRetrieval)
    context: Mapping[str, Any] = field(default_factory=dict)
    timezone: str = "UTC"
    config: Mapping[str, Any] = field(default_factory=dict)
