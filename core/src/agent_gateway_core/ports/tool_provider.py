"""ToolProvider port: tools that live outside the workspace (MCP servers and others)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from agent_gateway_core.domain.tool import ToolContext, ToolSpec


@runtime_checkable
class ToolProvider(Protocol):
    """A named source of tools.

    - ``list_tools`` returns the specs this provider offers now; names are unique within the
      provider. The registry exposes them as ``{provider.name}__{tool}``.
    - ``call_tool(name, arguments, context)`` runs a tool by its *unprefixed* name and returns
      a JSON-serialisable result. An unknown name raises
      :class:`~agent_gateway_core.errors.ToolNotFoundError`; a failure inside the tool raises
      :class:`~agent_gateway_core.errors.ToolExecutionError`; an unreachable provider raises
      :class:`~agent_gateway_core.errors.BackendUnavailableError`.
    - ``aclose`` releases connections or subprocesses; calling it twice is harmless.
    """

    name: str

    async def list_tools(self) -> list[ToolSpec]: ...

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: ToolContext
    ) -> Any: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolProviderStatus:
    """How a provider that keeps a connection is doing, for health checks and admin views.

    Providers may offer it as an optional ``status()`` method (not part of the port).
    """

    connected: bool
    tool_count: int
    error: str | None = None  # the last connection or listing failure, while not connected
    restarts: int = 0  # reconnections after a lost connection, since start
    connected_since: datetime | None = None


@runtime_checkable
class McpTokenProvider(Protocol):
    """Gives the bearer token of an MCP server's HTTP requests (the existing product's
    ``McpTokenProvider``; its ``server_name`` attribute is accepted and not needed).

    ``get_token`` is called before each request and returns a valid access token, refreshing
    it when needed; it raises to fail the request.
    """

    async def get_token(self) -> str: ...
