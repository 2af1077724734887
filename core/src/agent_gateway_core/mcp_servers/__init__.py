"""MCP servers as a runtime capability: registered in code, gateway.yaml or the database."""

from agent_gateway_core.mcp_servers.directory import (
    McpServerDirectory,
    McpServerOrigin,
    McpServerView,
    StaticMcpServer,
    joined_scopes,
    validate_server_name,
)

__all__ = [
    "McpServerDirectory",
    "McpServerOrigin",
    "McpServerView",
    "StaticMcpServer",
    "joined_scopes",
    "validate_server_name",
]
