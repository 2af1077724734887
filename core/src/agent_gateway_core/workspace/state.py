"""The loaded, validated workspace: an immutable snapshot the engine runs against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

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


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkspaceState:
    """Agents, skills and tools of one workspace, plus gateway.yaml.

    ``config`` holds gateway.yaml after ``${VAR}`` substitution, as a plain mapping: each
    host (the app, a worker) validates the sections it owns. ``model`` and ``guardrails``
    are the sections the core itself needs, already validated. ``shared_prompt`` and
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
    config: Mapping[str, Any] = field(default_factory=dict)
