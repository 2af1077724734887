"""probe_mcp_server: the admin "test" of a configuration, with distinct failures."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.errors import BackendUnavailableError, ConfigError
from agent_gateway_mcp import McpAuthError, McpConnectionError, McpTimeoutError, probe_mcp_server
from agent_gateway_testing.mcp_server import McpServerProcess, stdio_server_config

from .support import GOOD_TOKEN, free_port

pytestmark = pytest.mark.integration


def http_config(url: str, **fields: object) -> McpServerConfig:
    now = datetime.now(UTC)
    return McpServerConfig.model_validate(
        {
            "id": "p",
            "name": "probe",
            "transport": "streamable_http",
            "url": url,
            "created_at": now,
            "updated_at": now,
            **fields,
        }
    )


@pytest.fixture
async def silent_url() -> AsyncIterator[str]:
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/mcp"
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_probe_lists_the_tools_over_http(auth_server: McpServerProcess) -> None:
    config = auth_server.config(credentials={"bearer_token": GOOD_TOKEN})

    tools = await probe_mcp_server(config)

    assert "add" in [tool.name for tool in tools]


async def test_probe_lists_the_tools_over_stdio_and_stops_the_process() -> None:
    before = set(os.listdir("/proc"))

    tools = await probe_mcp_server(stdio_server_config("probe"))

    assert "echo" in [tool.name for tool in tools]
    await asyncio.sleep(0.1)
    children = [
        pid for pid in set(os.listdir("/proc")) - before if pid.isdigit() and _is_child(int(pid))
    ]
    assert children == []


def _is_child(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1]) == os.getpid()
    except (OSError, ValueError):
        return False


async def test_refused_credentials_are_an_auth_error(auth_server: McpServerProcess) -> None:
    with pytest.raises(McpAuthError, match=r"'probe'.*refused \(HTTP 401\)"):
        await probe_mcp_server(auth_server.config("probe", credentials={"bearer_token": "wrong"}))


async def test_a_silent_server_is_a_timeout(silent_url: str) -> None:
    with pytest.raises(McpTimeoutError, match=r"'probe' did not answer within 0\.3s"):
        await probe_mcp_server(http_config(silent_url), connection_timeout=0.3)


async def test_a_closed_port_is_a_connection_error() -> None:
    with pytest.raises(McpConnectionError, match="cannot connect") as raised:
        await probe_mcp_server(http_config(f"http://127.0.0.1:{free_port()}/mcp"))
    assert isinstance(raised.value, BackendUnavailableError)
    assert raised.value.server_name == "probe"


async def test_a_crashing_command_is_a_connection_error() -> None:
    now = datetime.now(UTC)
    config = McpServerConfig(
        id="c",
        name="crash",
        transport="stdio",
        command=sys.executable,
        args=("-c", "raise SystemExit(1)"),
        created_at=now,
        updated_at=now,
    )
    with pytest.raises(McpConnectionError, match="closed the connection"):
        await probe_mcp_server(config)


async def test_a_bad_config_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="url must be"):
        await probe_mcp_server(http_config("ftp://example.com"))
