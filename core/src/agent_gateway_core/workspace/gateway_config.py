"""Read ``gateway.yaml``: substitute ``${VAR}``, check the section names, validate what core owns.

Core validates ``model``, ``guardrails``, ``context_retrieval``, ``context`` and ``timezone``;
every other section belongs to a host (the HTTP app, a worker), which validates it from the
returned mapping.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from agent_gateway_core.domain.agent import Guardrails
from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace.documents import read_text, validate_model
from agent_gateway_core.workspace.env import substitute_env
from agent_gateway_core.workspace.model_errors import validation_problems
from agent_gateway_core.workspace.state import (
    BusinessContext,
    ContextRetrieval,
    ModelDefaults,
    TimezoneName,
)
from agent_gateway_core.workspace.yaml_mapping import YamlMappingError, load_yaml_mapping

GATEWAY_FILE = "gateway.yaml"

SectionT = TypeVar("SectionT", bound=BaseModel)
T = TypeVar("T")

SECTIONS = frozenset(
    {
        "server", "model", "auth", "persistence", "queue", "scheduler", "memory", "mcp",
        "notifications", "cors", "rate_limit", "security", "dashboard", "telemetry",
        "guardrails", "sessions", "proxy", "timezone", "context", "context_retrieval",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """gateway.yaml after substitution, with the sections core needs already validated."""

    config: dict[str, Any] = field(default_factory=dict)
    model: ModelDefaults = field(default_factory=ModelDefaults)
    guardrails: Guardrails = field(default_factory=Guardrails)
    context_retrieval: ContextRetrieval = field(default_factory=ContextRetrieval)
    context: BusinessContext = field(default_factory=dict)
    timezone: str = "UTC"


_TIMEZONE: TypeAdapter[str] = TypeAdapter(TimezoneName)
_CONTEXT: TypeAdapter[BusinessContext] = TypeAdapter(BusinessContext)


def read_gateway_config(
    root: Path, environ: Mapping[str, str], problems: list[WorkspaceProblem]
) -> GatewayConfig:
    """gateway.yaml under ``root``; defaults when it is absent or when it has problems."""
    file = root / GATEWAY_FILE
    if not file.exists():
        return GatewayConfig()
    text = read_text(file, GATEWAY_FILE, problems)
    if text is None:
        return GatewayConfig()
    try:
        raw = load_yaml_mapping(text.removeprefix("\ufeff"))
    except YamlMappingError as exc:
        problems.append(WorkspaceProblem(GATEWAY_FILE, str(exc)))
        return GatewayConfig()

    config, env_problems = substitute_env(raw, environ, path=GATEWAY_FILE)
    problems += env_problems
    for key in config:
        if key not in SECTIONS:
            problems.append(WorkspaceProblem(GATEWAY_FILE, _unknown_section(key), str(key)))

    # A section with an unresolved ${VAR} would only repeat that problem as a type error.
    unresolved = {(p.field or "").split(".")[0] for p in env_problems}
    model = _section(config, "model", ModelDefaults, unresolved, problems)
    guardrails = _section(config, "guardrails", Guardrails, unresolved, problems)
    retrieval = _section(config, "context_retrieval", ContextRetrieval, unresolved, problems)
    context = _value(config, "context", _CONTEXT, unresolved, problems)
    timezone = _value(config, "timezone", _TIMEZONE, unresolved, problems)
    return GatewayConfig(
        config=config,
        model=model or ModelDefaults(),
        guardrails=guardrails or Guardrails(),
        context_retrieval=retrieval or ContextRetrieval(),
        context=context or {},
        timezone=timezone or "UTC",
    )


def _section(
    config: Mapping[str, Any],
    name: str,
    model: type[SectionT],
    unresolved: set[str],
    problems: list[WorkspaceProblem],
) -> SectionT | None:
    value = config.get(name)
    if value is None or name in unresolved:
        return None
    if not isinstance(value, dict):
        problems.append(
            WorkspaceProblem(GATEWAY_FILE, f"must be a mapping of settings, got {value!r}", name)
        )
        return None
    return validate_model(model, value, path=GATEWAY_FILE, problems=problems, prefix=name)


def _value(
    config: Mapping[str, Any],
    name: str,
    adapter: TypeAdapter[T],
    unresolved: set[str],
    problems: list[WorkspaceProblem],
) -> T | None:
    """A top-level value that is not a section of settings (``timezone``, ``context``)."""
    value = config.get(name)
    if value is None or name in unresolved:
        return None
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        problems += validation_problems(exc, path=GATEWAY_FILE, model=BaseModel, prefix=name)
        return None


def _unknown_section(key: object) -> str:
    message = f"unknown section {key!r}"
    close = difflib.get_close_matches(str(key), SECTIONS, n=1)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    return f"{message}; known sections: {', '.join(sorted(SECTIONS))}"
