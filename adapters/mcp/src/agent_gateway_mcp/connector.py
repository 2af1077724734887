"""SdkMcpConnector: the McpConnector port on the official MCP SDK."""

from __future__ import annotations

from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.ports.mcp_connector import McpConnector, McpServerConnection
from agent_gateway_core.ports.tool_provider import McpTokenProvider


class SdkMcpConnector(McpConnector):
    """Connections to MCP servers over stdio or streamable HTTP, with gateway.yaml's
    ``mcp.tool_call_timeout_ms`` and ``mcp.connection_timeout_ms`` (here in seconds);
    ``max_backoff`` caps the wait between reconnection attempts."""

    def __init__(
        self,
        *,
        tool_call_timeout: float = 30.0,
        connection_timeout: float = 10.0,
        max_backoff: float = 30.0,
    ) -> None:
        self.tool_call_timeout = tool_call_timeout
        self.connection_timeout = connection_timeout
        self.max_backoff = max_backoff

    def validate(self, config: McpServerConfig) -> None:
        from agent_gateway_mcp.config import validate_mcp_config

        validate_mcp_config(config)

    def connection(
        self, config: McpServerConfig, token_provider: McpTokenProvider | None = None
    ) -> McpServerConnection:
        from agent_gateway_mcp.provider import McpToolProvider

        return McpToolProvider(
            config,
            token_provider=token_provider,
            tool_call_timeout=self.tool_call_timeout,
            connection_timeout=self.connection_timeout,
            max_backoff=self.max_backoff,
        )

    async def probe(
        self, config: McpServerConfig, token_provider: McpTokenProvider | None = None
    ) -> list[ToolSpec]:
        from agent_gateway_mcp.probe import probe_mcp_server

        return await probe_mcp_server(
            config, token_provider=token_provider, connection_timeout=self.connection_timeout
        )
