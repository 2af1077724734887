"""ToolProvider port: tools that live outside the workspace (MCP servers and others)."""

from __future__ import annotations

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
