"""probe_mcp_server: connect once, list the tools, disconnect (the admin "test")."""

from __future__ import annotations

import math

import anyio

from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.ports.tool_provider import McpTokenProvider
from agent_gateway_mcp.endpoint import Endpoint
from agent_gateway_mcp.errors import McpTimeoutError
from agent_gateway_mcp.failures import connect_failure
from agent_gateway_mcp.http_auth import HttpStatusLog
from agent_gateway_mcp.session import list_tool_specs, open_session


async def probe_mcp_server(
    config: McpServerConfig,
    *,
    token_provider: McpTokenProvider | None = None,
    connection_timeout: float = 10.0,
) -> list[ToolSpec]:
    """The server's tools, from one connection opened and closed within ``connection_timeout``.

    Raises :class:`~agent_gateway_core.errors.ConfigError` for an invalid config,
    :class:`McpAuthError` when the credentials are refused (HTTP 401/403) or no token could
    be had, :class:`McpTimeoutError` when it takes too long, and :class:`McpConnectionError`
    for any other failure (refused, the process exited, a protocol error).
    """
    endpoint = Endpoint(config, token_provider)
    log = HttpStatusLog()
    scope = anyio.CancelScope(deadline=anyio.current_time() + connection_timeout)
    try:
        with scope:
            async with open_session(
                endpoint, log, on_lost=_ignore, on_tools_changed=_ignore
            ) as client:
                tools = await list_tool_specs(client)
                scope.deadline = math.inf  # disconnecting is not part of the test
                return list(tools.values())
    except Exception as exc:
        if not scope.cancel_called:
            raise connect_failure(exc, server_name=config.name, log=log) from exc
    raise McpTimeoutError(
        f"MCP server {config.name!r} did not answer within {connection_timeout:g}s",
        server_name=config.name,
    )


def _ignore() -> None:
    """A probe does not care when its connection ends or its tools change."""
