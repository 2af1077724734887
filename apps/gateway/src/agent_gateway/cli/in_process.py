"""A Gateway started inside the CLI process for one command: no HTTP server, auth off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from agent_gateway.cli.console import fail

if TYPE_CHECKING:
    from pathlib import Path

    from agent_gateway.gateway import Gateway


@asynccontextmanager
async def started_gateway(workspace: Path, agent_id: str) -> AsyncIterator[Gateway]:
    """``async with`` a started Gateway whose workspace has ``agent_id``; stopped on exit.

    An unknown agent is named along with the agents the workspace has; a disabled agent
    raises AgentDisabledError before anything runs.
    """
    from agent_gateway.gateway import Gateway
    from agent_gateway_core.errors import AgentDisabledError

    async with Gateway(workspace=workspace, auth=False) as gateway:
        if agent_id not in gateway.agents:
            known = ", ".join(sorted(gateway.agents)) or "none"
            fail(f"agent not found: {agent_id!r}; agents in this workspace: {known}")
        if not gateway.is_agent_enabled(agent_id):
            raise AgentDisabledError(agent_id)
        yield gateway
