"""Why an MCP server cannot be used right now, as the app maps them to error codes::

    BackendUnavailableError (core)
    ├── McpAuthError         the server answered 401/403, or the token endpoint or token
    │                        provider failed
    ├── McpTimeoutError      no answer within the connection or tool-call timeout
    └── McpConnectionError   anything else: refused, process exited, protocol failure

Bad configurations raise core :class:`~agent_gateway_core.errors.ConfigError` instead.
"""

from __future__ import annotations

from agent_gateway_core.errors import BackendUnavailableError

BACKEND = "an MCP server"


class McpUnavailableError(BackendUnavailableError):
    """Base of this adapter's failures; ``server_name`` names the MCP server."""

    code = "mcp_unavailable"

    def __init__(self, message: str, *, server_name: str) -> None:
        super().__init__(message, backend=BACKEND)
        self.server_name = server_name


class McpAuthError(McpUnavailableError):
    code = "mcp_auth_failed"


class McpTimeoutError(McpUnavailableError):
    code = "mcp_timeout"


class McpConnectionError(McpUnavailableError):
    code = "mcp_connection_failed"
