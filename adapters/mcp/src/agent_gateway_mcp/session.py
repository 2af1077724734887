"""One MCP session: connect, list the tools, follow changes of the tool list."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from mcp import Client, MCPError, types
from mcp.client import IncomingMessage
from mcp.client.subscriptions import ListenNotSupportedError, SubscriptionLost

from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_mcp.endpoint import Endpoint
from agent_gateway_mcp.http_auth import HttpStatusLog
from agent_gateway_mcp.results import tool_spec
from agent_gateway_mcp.transport import watch_end

_MAX_TOOL_PAGES = 100  # a server whose cursor never ends cannot hold a listing forever


@cache
def _client_info() -> types.Implementation:
    try:
        own_version = version("agent-gateway-mcp")
    except PackageNotFoundError:  # running from a source tree
        own_version = "0"
    return types.Implementation(name="agent-gateway", version=own_version)


@asynccontextmanager
async def open_session(
    endpoint: Endpoint,
    log: HttpStatusLog,
    *,
    on_lost: Callable[[], None],
    on_tools_changed: Callable[[], None],
) -> AsyncIterator[Client]:
    """An initialized client; ``on_lost`` is called when the connection ends and
    ``on_tools_changed`` on a 2025-protocol ``notifications/tools/list_changed``.

    Enter and exit it in one task: the SDK's transports hold anyio cancel scopes.
    """

    async def on_message(message: IncomingMessage) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            on_tools_changed()

    async with Client(
        watch_end(endpoint.open(log), on_lost),
        cache=None,  # tools are listed on purpose; a cached listing would hide changes
        message_handler=on_message,
        client_info=_client_info(),
    ) as client:
        yield client


async def list_tool_specs(client: Client) -> dict[str, ToolSpec]:
    """Every tool of the server (all pages), by name."""
    specs: dict[str, ToolSpec] = {}
    cursor: str | None = None
    for _ in range(_MAX_TOOL_PAGES):
        page = await client.list_tools(cursor=cursor)
        specs.update((tool.name, tool_spec(tool)) for tool in page.tools)
        cursor = page.next_cursor
        if cursor is None:
            break
    return specs


async def follow_tool_list(
    client: Client, *, on_changed: Callable[[], None], on_lost: Callable[[], None]
) -> None:
    """Call ``on_changed`` whenever a 2026-protocol server says its tool list changed, until
    cancelled; ``on_lost`` when the subscription breaks (the server went away). Returns at
    once on a 2025-protocol session (changes come as notifications there) or a server that
    does not take subscriptions."""
    try:
        async with client.listen(tools_list_changed=True) as subscription:
            async for _event in subscription:
                on_changed()
    except (ListenNotSupportedError, MCPError):
        return
    except SubscriptionLost:
        on_lost()
