"""The test MCP server, checked with the SDK's own client: its tools, its credentials
checks, its 2025-era mode, and the McpServerProcess helper."""

from __future__ import annotations

import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from agent_gateway_testing.mcp_server import (
    McpServerProcess,
    stdio_server_command,
    stdio_server_config,
)

pytestmark = pytest.mark.integration

TOOLS = {"add", "echo", "fail", "pid", "env", "slow", "whoami", "media", "grow"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "0"},
    },
}
ACCEPT = {"Accept": "application/json, text/event-stream"}


async def test_the_http_server_serves_its_tools() -> None:
    async with McpServerProcess() as server, Client(server.url, cache=None) as client:
        assert {tool.name for tool in (await client.list_tools()).tools} == TOOLS
        added = await client.call_tool("add", {"a": 2, "b": 3})
        assert added.structured_content == {"result": 5}
        echoed = await client.call_tool("echo", {"text": "hi"})
        assert [block.model_dump(exclude_none=True) for block in echoed.content] == [
            {"type": "text", "text": "hi"}
        ]
        assert (await client.call_tool("fail", {"message": "boom"})).is_error
        pid = await client.call_tool("pid", {})
        assert pid.structured_content == {"pid": server.pid}


async def test_requests_without_an_accepted_credential_get_401() -> None:
    async with (
        McpServerProcess(bearer_tokens=["t1", "t2"], api_keys=["k1"]) as server,
        httpx.AsyncClient() as http,
    ):
        refused = await http.post(server.url, json=INITIALIZE, headers=ACCEPT)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        wrong = await http.post(
            server.url, json=INITIALIZE, headers=ACCEPT | {"Authorization": "Bearer t3"}
        )
        assert wrong.status_code == 401

        for credential in ({"Authorization": "Bearer t2"}, {"X-API-Key": "k1"}):
            accepted = await http.post(server.url, json=INITIALIZE, headers=ACCEPT | credential)
            assert accepted.status_code == 200, credential


async def test_whoami_tells_what_the_request_carried() -> None:
    async with (
        McpServerProcess(bearer_tokens=["t1"]) as server,
        httpx2_client({"Authorization": "Bearer t1"}) as http,
        Client(streamable_http_client(server.url, http_client=http), cache=None) as client,
    ):
        result = await client.call_tool("whoami", {})
        assert result.structured_content == {"scheme": "Bearer", "api_key": None}


@pytest.mark.parametrize(("legacy", "version"), [(False, "2026-07-28"), (True, "2025-11-25")])
async def test_legacy_mode_makes_clients_use_the_2025_handshake(legacy: bool, version: str) -> None:
    async with McpServerProcess(legacy=legacy) as server, Client(server.url, cache=None) as client:
        assert client.protocol_version == version
        assert (await client.call_tool("add", {"a": 1, "b": 1})).structured_content == {"result": 2}

    command, args = stdio_server_command(legacy=legacy)
    async with Client(
        StdioServerParameters(command=command, args=list(args)), cache=None
    ) as client:
        assert client.protocol_version == version
        assert (await client.call_tool("echo", {"text": "x"})).content[0].model_dump()[
            "text"
        ] == "x"


async def test_restart_keeps_the_port_and_kill_stops_the_process() -> None:
    async with McpServerProcess() as server:
        port, pid = server.port, server.pid
        await server.restart()
        assert server.port == port
        assert server.pid != pid
        async with Client(server.url, cache=None) as client:
            assert (await client.call_tool("pid", {})).structured_content == {"pid": server.pid}
        await server.kill()
        with pytest.raises(RuntimeError, match="not running"):
            _ = server.pid


def test_the_server_runs_from_synchronous_tests_too() -> None:
    with McpServerProcess().running_in_thread() as server:
        response = httpx.post(server.url, json=INITIALIZE, headers=ACCEPT)
        assert response.status_code == 200
        config = server.config("crm", credentials={"bearer_token": "t"})
        assert config.url == server.url
        assert config.transport == "streamable_http"
        assert config.credentials == {"bearer_token": "t"}


def test_stdio_server_config_runs_the_module() -> None:
    config = stdio_server_config("local", env={"A": "1"})

    assert config.transport == "stdio"
    assert config.args[:2] == ("-m", "agent_gateway_testing.mcp_server")
    assert config.env == {"A": "1"}


def httpx2_client(headers: dict[str, str]) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(headers=headers)
