"""The workspace as the gateway serves it: files loaded, gateway.yaml validated, agents built."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from pydantic import ValidationError
from pydantic_settings import SettingsError

from agent_gateway.settings import GatewaySettings, settings_problems
from agent_gateway_core.errors import ConfigError, WorkspaceError, WorkspaceProblem
from agent_gateway_core.runtime import Runtime
from agent_gateway_core.workspace import WorkspaceState, load_workspace


async def load_gateway_workspace(path: Path) -> tuple[WorkspaceState, GatewaySettings]:
    """The workspace with gateway.yaml validated and env overrides applied, off the event loop."""
    workspace = await asyncio.to_thread(load_workspace, path)
    try:
        settings = GatewaySettings.from_config(workspace.config)
    except ValidationError as exc:
        raise WorkspaceError(settings_problems(exc)) from exc
    except SettingsError as exc:  # an AGENT_GATEWAY_* variable that is not valid JSON
        raise ConfigError(f"environment override: {exc}") from exc
    workspace = dataclasses.replace(workspace, model=settings.model, guardrails=settings.guardrails)
    return workspace, settings


def check_agents(runtime: Runtime) -> None:
    """Every enabled agent must resolve its tools and skills now, not on its first request.

    Raises WorkspaceError with one problem per agent that cannot be built (an unknown tool
    or skill, a schema that does not compile).
    """
    problems: list[WorkspaceProblem] = []
    for agent_id, agent in runtime.workspace.agents.items():
        if not agent.enabled:
            continue
        try:
            runtime.engine.plan_for(agent_id)
        except ConfigError as exc:
            problems.append(WorkspaceProblem(f"agents/{agent_id}/AGENT.md", str(exc)))
    if problems:
        raise WorkspaceError(problems)
