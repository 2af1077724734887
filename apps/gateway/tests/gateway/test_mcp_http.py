"""MCP servers end to end: the project's MCP test server (the official SDK) over stdio and over
streamable HTTP with a bearer token it checks, the model behind the fake OpenAI server (real
HTTP through litellm), the admin API over HTTP, and two replicas on one database."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from agent_gateway import Gateway
from agent_gateway_core.testing import reply, tool_call
from agent_gateway_testing.fake_openai import FakeOpenAIServer
from agent_gateway_testing.mcp_server import McpServerProcess, stdio_server_command

from .conftest import ClientFor, WriteWorkspace, write_agent

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

TOKEN = "mcp-secret-token-0123456789"
ADMIN = {"Authorization": "Bearer sk-admin"}
INVOKER = {"Authorization": "Bearer sk-invoker"}

KEYS_YAML = """\
auth:
  api_keys:
    - {name: admin, key: sk-admin, scopes: ["*"]}
    - {name: invoker, key: sk-invoker, scopes: ["agents:invoke", "agents:read"]}
mcp:
  connection_timeout_ms: 5000
  tool_call_timeout_ms: 10000
  sync_interval_seconds: 0.2
"""


@pytest.fixture
async def http_server() -> Any:
    async with McpServerProcess(bearer_tokens=[TOKEN]) as server:
        yield server


@pytest.fixture
def mcp_workspace(write_workspace: WriteWorkspace, model_server: FakeOpenAIServer) -> Path:
    root = write_workspace(api_base=model_server.base_url, yaml=KEYS_YAML)
    write_agent(root, "toolsmith", mcp_servers=["local", "remote"])
    write_agent(root, "plain")
    return root


def with_test_servers(gw: Gateway, http_server: McpServerProcess) -> Gateway:
    command, args = stdio_server_command()
    gw.add_mcp_server("local", "stdio", command=command, args=list(args))
    gw.add_mcp_server(
        "remote", "streamable_http", url=http_server.url, credentials={"bearer_token": TOKEN}
    )
    return gw


async def invoke(client: httpx.AsyncClient, agent: str, message: str) -> dict[str, Any]:
    response = await client.post(
        f"/v1/agents/{agent}/invoke", json={"message": message}, headers=INVOKER
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def offered(server: FakeOpenAIServer, index: int = -1) -> dict[str, dict[str, Any]]:
    return {
        tool["function"]["name"]: tool["function"]
        for tool in server.requests[index].body.get("tools", [])
    }


def tool_answer(server: FakeOpenAIServer) -> Any:
    """What the last tool call gave the model (the content of the tool message)."""
    message = server.requests[-1].body["messages"][-1]
    assert message["role"] == "tool"
    content = message["content"]
    try:
        return json.loads(content)
    except json.JSONDecodeError:
        return content


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


async def test_an_agent_calls_mcp_tools_over_stdio_and_http_and_survives_a_crash(
    mcp_workspace: Path,
    model_server: FakeOpenAIServer,
    http_server: McpServerProcess,
    client_for: ClientFor,
) -> None:
    gw = with_test_servers(Gateway(workspace=mcp_workspace), http_server)
    async with gw, client_for(gw) as client:
        assert {"local__add", "remote__add", "remote__whoami"} <= set(gw.tools)

        model_server.push(tool_call("local__add", {"a": 2, "b": 3}), reply("It is 5."))
        assert (await invoke(client, "toolsmith", "What is 2 + 3?"))["raw_text"] == "It is 5."
        tools = offered(model_server, -2)
        assert {"local__add", "local__echo", "remote__add", "remote__echo"} <= set(tools)
        # The server's JSON Schema reaches the model as it is.
        add = tools["local__add"]["parameters"]
        assert add["properties"]["a"]["type"] == "integer"
        assert set(add["required"]) == {"a", "b"}
        assert tool_answer(model_server) == {"result": 5}

        model_server.push(tool_call("remote__whoami", {}), reply("ok"))
        await invoke(client, "toolsmith", "Who am I to you?")
        assert tool_answer(model_server)["scheme"] == "Bearer"

        model_server.push(tool_call("local__fail", {"message": "disk full"}), reply("sorry"))
        await invoke(client, "toolsmith", "Break it.")
        assert "disk full" in json.dumps(tool_answer(model_server))

        # An agent whose AGENT.md lists no MCP server is offered none of their tools.
        await invoke(client, "plain", "Hello")
        assert not [name for name in offered(model_server) if "__" in name]

        # Kill the stdio server: it is restarted, and the next call works.
        model_server.push(tool_call("local__pid", {}), reply("noted"))
        await invoke(client, "toolsmith", "Your pid?")
        first_pid = tool_answer(model_server)["pid"]
        os.kill(first_pid, signal.SIGKILL)

        async def local_back() -> bool:
            servers = (await client.get("/v1/admin/mcp-servers", headers=ADMIN)).json()
            local = next(server for server in servers if server["name"] == "local")
            return bool(local["connected"] and local["restarts"] >= 1)

        await eventually(local_back)
        model_server.push(tool_call("local__pid", {}), reply("noted"))
        await invoke(client, "toolsmith", "Your pid now?")
        answer = tool_answer(model_server)
        assert isinstance(answer, dict), answer
        second_pid = answer["pid"]
        assert second_pid != first_pid
        model_server.push(tool_call("local__echo", {"text": "still here"}), reply("ok"))
        await invoke(client, "toolsmith", "Echo")
        assert tool_answer(model_server) == "still here"

    assert not _alive(second_pid), "the stdio server outlived the gateway"


async def test_a_server_that_cannot_be_reached_never_blocks_startup(
    write_workspace: WriteWorkspace, model_server: FakeOpenAIServer, client_for: ClientFor
) -> None:
    root = write_workspace(
        api_base=model_server.base_url, yaml="mcp: {connection_timeout_ms: 1000}\n"
    )
    write_agent(root, "toolsmith", mcp_servers=["down"])
    gw = Gateway(workspace=root, auth=False)
    gw.add_mcp_server("down", "streamable_http", url="http://127.0.0.1:9/mcp")
    started = time.monotonic()
    async with gw, client_for(gw) as client:
        assert time.monotonic() - started < 10
        health = (await client.get("/v1/health")).json()
        assert health["mcp_servers"]["down"] == {"status": "unavailable", "tools": 0}
        response = await client.post("/v1/agents/toolsmith/invoke", json={"message": "hi"})
        assert response.status_code == 200
        assert not offered(model_server)


async def test_admin_crud_over_http_with_credentials_sealed_in_the_database(
    mcp_workspace: Path,
    model_server: FakeOpenAIServer,
    http_server: McpServerProcess,
    client_for: ClientFor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_SECRET_KEY", Fernet.generate_key().decode())
    database = mcp_workspace.parent / "gateway.db"
    command, args = stdio_server_command()
    gw = Gateway(workspace=mcp_workspace).use_sqlite(database)
    gw.add_mcp_server("local", "stdio", command=command, args=list(args))
    async with gw, client_for(gw) as client:
        base = "/v1/admin/mcp-servers"
        assert (await client.get(base, headers=INVOKER)).status_code == 403

        created = await client.post(
            base,
            json={
                "name": "remote",
                "transport": "streamable_http",
                "url": http_server.url,
                "headers": {"X-Trace": "trace-header-value"},
                "credentials": {"bearer_token": TOKEN},
            },
            headers=ADMIN,
        )
        assert created.status_code == 201, created.text
        server = created.json()
        assert server["connected"] is True
        assert server["credential_keys"] == ["bearer_token"]
        assert server["header_keys"] == ["X-Trace"]
        assert server["auth_type"] == "static_header"
        assert server["origin"] == "database"
        assert TOKEN not in created.text
        assert created.headers["Location"] == f"{base}/{server['id']}"
        server_url = f"{base}/{server['id']}"

        tools = (await client.get(f"{server_url}/tools", headers=ADMIN)).json()
        add = next(tool for tool in tools if tool["original_name"] == "add")
        assert add["name"] == "remote__add"
        assert add["input_schema"]["properties"]["b"]["type"] == "integer"

        model_server.push(tool_call("remote__add", {"a": 20, "b": 22}), reply("42"))
        assert (await invoke(client, "toolsmith", "20 + 22?"))["raw_text"] == "42"
        assert tool_answer(model_server) == {"result": 42}

        # A wrong token: the server refuses it; the tools are gone and health says so.
        updated = await client.put(
            server_url, json={"credentials": {"bearer_token": "wrong"}}, headers=ADMIN
        )
        assert updated.status_code == 200, updated.text
        assert updated.json()["connected"] is False
        assert updated.json()["error"]
        tested = (await client.post(f"{server_url}/test", headers=ADMIN)).json()
        assert tested["success"] is False
        assert tested["error_code"] == "auth_error"

        fixed = await client.put(
            server_url, json={"credentials": {"bearer_token": TOKEN}}, headers=ADMIN
        )
        assert fixed.json()["connected"] is True
        tested = (await client.post(f"{server_url}/test", headers=ADMIN)).json()
        assert tested["success"] is True
        assert "add" in {tool["name"] for tool in tested["tools"]}
        refreshed = await client.post(f"{server_url}/refresh", headers=ADMIN)
        assert refreshed.status_code == 200
        assert refreshed.json()["tool_count"] == tested["tool_count"]

        listed = (await client.get(base, headers=ADMIN)).json()
        assert {s["name"]: s["read_only"] for s in listed} == {"local": True, "remote": False}
        local = next(s for s in listed if s["name"] == "local")
        refused = await client.put(f"{base}/{local['id']}", json={"enabled": False}, headers=ADMIN)
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "mcp_server_read_only"
        taken = await client.post(
            base, json={"name": "local", "transport": "stdio", "command": "x"}, headers=ADMIN
        )
        assert taken.status_code == 409
        bad = await client.post(
            base,
            json={"name": "a__b", "transport": "streamable_http", "url": http_server.url},
            headers=ADMIN,
        )
        assert bad.status_code == 422

        # No plaintext secret anywhere in the database file.
        raw = _database_text(database)
        assert "trace-header-value" not in raw
        assert TOKEN not in raw
        assert "bearer_token" in raw  # the row is there, its value sealed

        deleted = await client.delete(server_url, headers=ADMIN)
        assert deleted.json() == {"deleted": True}
        assert (await client.get(server_url, headers=ADMIN)).status_code == 404
        assert "remote__add" not in gw.tools
        model_server.push(reply("no tools"))
        await invoke(client, "toolsmith", "20 + 22?")
        assert not [name for name in offered(model_server) if name.startswith("remote__")]


async def test_a_change_through_one_replica_reaches_the_other(
    mcp_workspace: Path,
    model_server: FakeOpenAIServer,
    http_server: McpServerProcess,
    client_for: ClientFor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_SECRET_KEY", Fernet.generate_key().decode())
    database = mcp_workspace.parent / "shared.db"
    first = Gateway(workspace=mcp_workspace).use_sqlite(database)
    second = Gateway(workspace=mcp_workspace).use_sqlite(database)
    async with first, second, client_for(first) as one, client_for(second) as other:
        created = await one.post(
            "/v1/admin/mcp-servers",
            json={
                "name": "remote",
                "transport": "streamable_http",
                "url": http_server.url,
                "credentials": {"bearer_token": TOKEN},
            },
            headers=ADMIN,
        )
        assert created.status_code == 201

        async def other_has_it() -> bool:
            return "remote__add" in second.tools

        await eventually(other_has_it, within=10)
        model_server.push(tool_call("remote__add", {"a": 1, "b": 1}), reply("2"))
        assert (await invoke(other, "toolsmith", "1 + 1?"))["raw_text"] == "2"

        await one.delete(f"/v1/admin/mcp-servers/{created.json()['id']}", headers=ADMIN)

        async def other_dropped_it() -> bool:
            return "remote__add" not in second.tools

        await eventually(other_dropped_it, within=10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie still answers signal 0: it is dead all the same
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _database_text(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT * FROM mcp_servers").fetchall()
    return repr(rows) + (path.read_bytes().decode("latin-1"))
