"""Agent Gateway's MCP adapter: the tools of MCP servers over stdio or streamable HTTP, on
the official ``mcp`` SDK, supervised (reconnects with backoff, restarts dead stdio servers),
with bearer, API-key and OAuth2 client-credentials authentication::

    from agent_gateway_mcp import McpToolProvider

    provider = McpToolProvider(config)  # an McpServerConfig; ConfigError if invalid
    await provider.start()              # never raises for an unreachable server
    specs = await provider.list_tools()
    result = await provider.call_tool("add", {"a": 1, "b": 2}, context)
    await provider.aclose()

``SdkMcpConnector`` is the core ``McpConnector`` port on top of it. The SDK is imported only
when a provider or a probe is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_gateway_mcp.config import validate_mcp_config
from agent_gateway_mcp.connector import SdkMcpConnector
from agent_gateway_mcp.errors import (
    McpAuthError,
    McpConnectionError,
    McpTimeoutError,
    McpUnavailableError,
)

if TYPE_CHECKING:
    from agent_gateway_mcp.probe import probe_mcp_server
    from agent_gateway_mcp.provider import McpToolProvider

__all__ = [
    "McpAuthError",
    "McpConnectionError",
    "McpTimeoutError",
    "McpToolProvider",
    "McpUnavailableError",
    "SdkMcpConnector",
    "probe_mcp_server",
    "validate_mcp_config",
]

_LAZY = {
    "McpToolProvider": "agent_gateway_mcp.provider",
    "probe_mcp_server": "agent_gateway_mcp.probe",
}


def __getattr__(name: str) -> Any:
    """Import the SDK-backed names on first use (PEP 562)."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
