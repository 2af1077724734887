"""The workspace as the gateway serves it: files loaded, gateway.yaml validated."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from pydantic import ValidationError
from pydantic_settings import SettingsError

from agent_gateway.settings import GatewaySettings, settings_problems
from agent_gateway_core.errors import ConfigError, WorkspaceError
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
    workspace = dataclasses.replace(
        workspace,
        model=settings.model,
        guardrails=settings.guardrails,
        timezone=settings.timezone,
        context=settings.context,
        context_retrieval=settings.context_retrieval,
    )
    return workspace, settings
