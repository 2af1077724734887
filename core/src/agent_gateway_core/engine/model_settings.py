"""Which model an execution calls, with what settings, under which guardrails.

Precedence, highest first: per-call options, the agent's ``model:`` in AGENT.md, the
workspace's ``model:`` in gateway.yaml. Fallback models (the agent's, then the workspace's)
are tried in order after the primary one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

from agent_gateway_core.domain.agent import AgentDefinition, Guardrails
from agent_gateway_core.domain.execution import ExecutionOptions
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.workspace.state import WorkspaceState

T = TypeVar("T")

_NO_OPTIONS = ExecutionOptions()


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelSettings:
    """Resolved settings of one execution's model calls; ``models[0]`` is the primary."""

    models: tuple[str, ...]
    temperature: float | None
    max_tokens: int | None
    api_base: str | None
    api_key: str | None
    timeout_seconds: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentModelDefaults:
    """An agent's model settings before per-call options; built once per workspace snapshot."""

    agent_id: str
    primary: str | None
    fallbacks: tuple[str, ...]
    temperature: float | None
    max_tokens: int | None
    api_base: str | None
    api_key: str | None
    timeout_seconds: float | None
    # The settings of a call without overrides, the common case, worked out once.
    without_overrides: ModelSettings | None = None

    @classmethod
    def of(cls, agent: AgentDefinition, workspace: WorkspaceState) -> AgentModelDefaults:
        agent_model, defaults = agent.model, workspace.model
        base = cls(
            agent_id=agent.id,
            primary=agent_model.name or defaults.default,
            fallbacks=agent_model.fallback + defaults.fallback,
            temperature=_first(agent_model.temperature, defaults.temperature),
            max_tokens=_first(agent_model.max_tokens, defaults.max_tokens),
            api_base=agent_model.api_base or defaults.api_base,
            api_key=defaults.api_key,
            timeout_seconds=defaults.timeout_seconds,
        )
        if base.primary is None:
            return base
        return replace(base, without_overrides=base.for_call(_NO_OPTIONS))

    def for_call(self, options: ExecutionOptions) -> ModelSettings:
        """Apply ``options``; no model anywhere raises ConfigError saying where to set one."""
        overrides = (options.model, options.temperature, options.max_tokens)
        if self.without_overrides is not None and overrides == (None, None, None):
            return self.without_overrides
        primary = options.model or self.primary
        if primary is None:
            raise ConfigError(
                f"agent {self.agent_id!r} has no model configured: set model.name in its "
                "AGENT.md, model.default in gateway.yaml, or pass options.model"
            )
        return ModelSettings(
            models=tuple(dict.fromkeys((primary, *self.fallbacks))),
            temperature=_first(options.temperature, self.temperature),
            max_tokens=_first(options.max_tokens, self.max_tokens),
            api_base=self.api_base,
            api_key=self.api_key,
            timeout_seconds=self.timeout_seconds,
        )


def choose_guardrails(
    options: ExecutionOptions, agent: AgentDefinition, workspace: WorkspaceState
) -> Guardrails:
    """Per-call guardrails, else the agent's, else the workspace's; ``timeout_ms`` wins."""
    guardrails = options.guardrails or agent.guardrails or workspace.guardrails
    if options.timeout_ms is not None:
        guardrails = guardrails.model_copy(update={"timeout_seconds": options.timeout_ms / 1000})
    return guardrails


def _first(*values: T | None) -> T | None:
    return next((v for v in values if v is not None), None)
