"""``client.admin``: reloading the workspace, MCP servers and memory compaction."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from agent_gateway_client._async._pagination import AsyncPage
from agent_gateway_client._async._pipeline import AsyncPipeline
from agent_gateway_client._async.resources._base import AsyncResource, segment, without_none
from agent_gateway_client.models.admin import (
    McpServer,
    McpServerDeleted,
    McpTestResult,
    McpTool,
    MemoryCompaction,
    ReloadResult,
)

_MCP = "/v1/admin/mcp-servers"


class AsyncMcpServers(AsyncResource):
    """MCP servers (``admin`` scope): stored ones, and read-only ones from code or
    gateway.yaml. Headers, environment and credentials are stored encrypted and never
    returned."""

    async def list(self) -> AsyncPage[McpServer]:
        """Every server (one page)."""
        return await self._page(McpServer, _MCP)

    async def create(
        self,
        name: str,
        transport: str,
        *,
        command: str | None = None,
        args: Sequence[str] | None = None,
        env: dict[str, str] | None = None,
        url: str | None = None,
        headers: dict[str, str] | None = None,
        credentials: dict[str, Any] | None = None,
        enabled: bool | None = None,
    ) -> McpServer:
        """Store a server and connect it (``transport`` ``stdio`` with ``command``, or
        ``streamable_http`` with ``url``); one that cannot be reached yet is stored all the
        same, ``connected`` false."""
        body = without_none(
            name=name,
            transport=transport,
            command=command,
            args=list(args) if args is not None else None,
            env=env,
            url=url,
            headers=headers,
            credentials=credentials,
            enabled=enabled,
        )
        return await self._call(McpServer, "POST", _MCP, json=body)

    async def get(self, server_id: str) -> McpServer:
        """A server with its connection state; :class:`NotFoundError` if unknown."""
        return await self._get(McpServer, f"{_MCP}/{segment(server_id)}")

    async def update(
        self,
        server_id: str,
        *,
        name: str | None = None,
        transport: str | None = None,
        command: str | None = None,
        args: Sequence[str] | None = None,
        env: dict[str, str] | None = None,
        url: str | None = None,
        headers: dict[str, str] | None = None,
        credentials: dict[str, Any] | None = None,
        enabled: bool | None = None,
    ) -> McpServer:
        """Change the fields given and reconnect; ``env``, ``headers`` and ``credentials``
        replace the stored ones whole (``{}`` clears them)."""
        body = without_none(
            name=name,
            transport=transport,
            command=command,
            args=list(args) if args is not None else None,
            env=env,
            url=url,
            headers=headers,
            credentials=credentials,
            enabled=enabled,
        )
        return await self._call(McpServer, "PUT", f"{_MCP}/{segment(server_id)}", json=body)

    async def delete(self, server_id: str) -> McpServerDeleted:
        """Disconnect and delete a stored server (one from code or gateway.yaml is a
        :class:`ConflictError`)."""
        return await self._call(McpServerDeleted, "DELETE", f"{_MCP}/{segment(server_id)}")

    async def refresh(self, server_id: str) -> McpServer:
        """Reconnect and list its tools again."""
        return await self._call(McpServer, "POST", f"{_MCP}/{segment(server_id)}/refresh")

    async def test(self, server_id: str) -> McpTestResult:
        """Connect once, apart from the running connection; a failure is a result with
        ``success`` false, not an error."""
        return await self._call(McpTestResult, "POST", f"{_MCP}/{segment(server_id)}/test")

    async def tools(self, server_id: str) -> builtins.list[McpTool]:
        """The tools it listed last, as agents see them."""
        response = await self._pipeline.send("GET", f"{_MCP}/{segment(server_id)}/tools")
        return [McpTool.model_validate(item) for item in response.json()]


class AsyncAdmin(AsyncResource):
    """Administration (``admin`` scope; compacting memory needs ``agents:manage``)."""

    def __init__(self, pipeline: AsyncPipeline) -> None:
        super().__init__(pipeline)
        self.mcp_servers = AsyncMcpServers(pipeline)

    async def reload(self) -> ReloadResult:
        """Load the workspace from disk and swap it in; a workspace with problems changes
        nothing and is a :class:`ValidationError` listing them."""
        return await self._call(ReloadResult, "POST", "/v1/reload")

    async def compact_memory(
        self, agent_id: str, *, all_scopes: bool = False, force: bool = False
    ) -> MemoryCompaction:
        """Summarise the agent's least useful memories (the agent-wide ones and the
        caller's; every user's with ``all_scopes``; below the configured threshold too with
        ``force``). Memory not enabled is a :class:`ServerError` (503
        ``memory_unavailable``)."""
        return await self._call(
            MemoryCompaction,
            "POST",
            f"/v1/agents/{segment(agent_id)}/memory/compact",
            json={"all_scopes": all_scopes, "force": force},
        )
