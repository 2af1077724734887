"""gateway.yaml's settings with ``AGENT_GATEWAY_*`` overrides, for commands that need no agents."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from agent_gateway.settings import GatewaySettings


def load_gateway_settings(workspace: Path) -> GatewaySettings:
    """The settings the gateway would start with; WorkspaceError lists every problem of
    gateway.yaml. Agents, skills and tools are not read."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from agent_gateway.settings import GatewaySettings, settings_problems
    from agent_gateway_core.errors import ConfigError, WorkspaceError, WorkspaceProblem
    from agent_gateway_core.workspace.gateway_config import read_gateway_config

    if not workspace.is_dir():
        raise ConfigError(f"workspace not found: {workspace} is not a directory")
    problems: list[WorkspaceProblem] = []
    config = read_gateway_config(workspace, os.environ, problems)
    if problems:
        raise WorkspaceError(problems)
    try:
        return GatewaySettings.from_config(config.config)
    except ValidationError as exc:
        raise WorkspaceError(settings_problems(exc)) from exc
    except SettingsError as exc:  # an AGENT_GATEWAY_* variable that is not valid JSON
        raise ConfigError(f"environment override: {exc}") from exc
