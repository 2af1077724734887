"""McpConnector port: makes the tool providers of MCP servers from their configurations."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.ports.tool_provider import (
    McpTokenProvider,
    ToolProvider,
    ToolProviderStatus,
)


@runtime_checkable
class McpServerConnection(ToolProvider, Protocol):
    """A ToolProvider that keeps a connection to one MCP server.

    - ``start`` connects and lists the tools, waiting at most the connection timeout; it
      never raises because the server is unreachable or refuses: the failure shows in
      ``status().error`` and the connection keeps being retried in the background.
    - ``refresh`` reconnects now and lists the tools again.
    - ``status`` tells whether it is connected, how many tools it has and the last error.
    """

    async def start(self) -> None: ...

    async def refresh(self) -> None: ...

    def status(self) -> ToolProviderStatus: ...


@runtime_checkable
class McpConnector(Protocol):
    """Knows how to reach MCP servers.

    - ``validate(config)`` raises :class:`~agent_gateway_core.errors.ConfigError` naming
      every problem of a configuration (transport, command or url, credentials), and
      returns ``None`` for a valid one.
    - ``connection(config, token_provider)`` returns a connection, not started, named
      ``config.name``; an invalid config raises ConfigError.
    - ``probe(config, token_provider)`` connects once, lists the tools and disconnects; it
      raises :class:`~agent_gateway_core.errors.BackendUnavailableError` when it cannot.
    """

    def validate(self, config: McpServerConfig) -> None: ...

    def connection(
        self, config: McpServerConfig, token_provider: McpTokenProvider | None = None
    ) -> McpServerConnection: ...

    async def probe(
        self, config: McpServerConfig, token_provider: McpTokenProvider | None = None
    ) -> list[ToolSpec]: ...
