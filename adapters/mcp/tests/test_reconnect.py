"""Unreachable servers (HTTP and stdio), slow ones, and HTTP servers that go away and come back."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from agent_gateway_core.domain.tool import ToolContext
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_mcp import McpConnectionError, McpTimeoutError
from agent_gateway_testing.mcp_server import McpServerProcess

from .support import MakeProvider, eventually, free_port

pytestmark = pytest.mark.integration


def http_config(url: str, name: str = "remote") -> McpServerConfig:
    now = datetime.now(UTC)
    return McpServerConfig(
        id=name, name=name, transport="streamable_http", url=url, created_at=now, updated_at=now
    )


def stdio_config(command: str, *args: str) -> McpServerConfig:
    now = datetime.now(UTC)
    return McpServerConfig(
        id="cmd",
        name="cmd",
        transport="stdio",
        command=command,
        args=args,
        created_at=now,
        updated_at=now,
    )


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """A URL whose server accepts connections and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/mcp"
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_an_unreachable_server_does_not_fail_start(
    make_provider: MakeProvider, context: ToolContext
) -> None:
    began = time.monotonic()
    provider = await make_provider(
        http_config(f"http://127.0.0.1:{free_port()}/mcp"), connection_timeout=2.0
    )

    assert time.monotonic() - began < 2.0
    status = provider.status()
    assert not status.connected
    assert status.tool_count == 0
    assert "'remote': cannot connect" in (status.error or "")
    with pytest.raises(BackendUnavailableError, match="'remote' has not listed its tools yet"):
        await provider.list_tools()
    with pytest.raises(McpConnectionError, match="cannot connect"):
        await provider.call_tool("add", {"a": 1, "b": 2}, context)


async def test_a_silent_server_times_out_within_the_connection_timeout(
    make_provider: MakeProvider, silent_server: str
) -> None:
    began = time.monotonic()
    provider = await make_provider(http_config(silent_server), connection_timeout=0.5)

    assert time.monotonic() - began < 1.5
    await eventually(lambda: provider.status().error is not None, within=2.0)
    assert "did not connect within 0.5s" in (provider.status().error or "")


async def test_a_command_that_does_not_exist_is_reported(make_provider: MakeProvider) -> None:
    provider = await make_provider(stdio_config("/nonexistent/mcp-server"))

    assert "cannot start the server process" in (provider.status().error or "")


async def test_a_process_that_exits_at_once_is_reported(make_provider: MakeProvider) -> None:
    provider = await make_provider(stdio_config(sys.executable, "-c", "raise SystemExit(3)"))

    assert "closed the connection" in (provider.status().error or "")


async def test_a_server_that_comes_up_later_is_connected_in_the_background(
    make_provider: MakeProvider, context: ToolContext
) -> None:
    port = free_port()
    provider = await make_provider(http_config(f"http://127.0.0.1:{port}/mcp"))
    assert not provider.status().connected

    async with McpServerProcess(port=port):
        await eventually(lambda: provider.status().connected)
        assert await provider.call_tool("echo", {"text": "late"}, context) == "late"
        assert provider.status().restarts == 0  # a first connection, not a restart
        await provider.aclose()


@pytest.mark.parametrize("legacy", [False, True], ids=["2026", "2025"])
async def test_a_restarted_http_server_is_reconnected(
    make_provider: MakeProvider, context: ToolContext, legacy: bool
) -> None:
    async with McpServerProcess(legacy=legacy) as server:
        provider = await make_provider(server.config())
        first = (await provider.call_tool("pid", {}, context))["pid"]

        await server.restart()
        if legacy:  # a 2025 session is noticed gone by the next request (404: session expired)
            with pytest.raises(BackendUnavailableError):
                await provider.call_tool("pid", {}, context)
        await eventually(lambda: provider.status().restarts == 1 and provider.status().connected)

        assert (await provider.call_tool("pid", {}, context))["pid"] != first
        await provider.aclose()


async def test_a_slow_tool_times_out_and_the_connection_stays_usable(
    make_provider: MakeProvider, http_server: McpServerProcess, context: ToolContext
) -> None:
    provider = await make_provider(http_server.config(), tool_call_timeout=0.3)

    began = time.monotonic()
    with pytest.raises(McpTimeoutError, match=r"'slow' of server 'test' timed out after 0\.3s"):
        await provider.call_tool("slow", {"seconds": 5}, context)
    assert time.monotonic() - began < 2.0

    assert await provider.call_tool("echo", {"text": "still here"}, context) == "still here"
    assert provider.status().connected


async def test_aclose_twice_and_start_after_close_are_harmless(
    make_provider: MakeProvider, http_server: McpServerProcess
) -> None:
    provider = await make_provider(http_server.config())
    await provider.aclose()
    await provider.aclose()
    await provider.start()
    await provider.refresh()

    assert provider.status().connected is False
    assert provider.status().error == "closed"
