"""A stdio server is a supervised subprocess: restarted when it dies, stopped on aclose."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from agent_gateway_core.domain.tool import ToolContext
from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_mcp import McpConnectionError
from agent_gateway_testing.mcp_server import stdio_server_config

from .support import MakeProvider, eventually

pytestmark = pytest.mark.integration


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("legacy", [False, True], ids=["2026", "2025"])
async def test_a_killed_server_is_restarted_and_the_next_call_works(
    make_provider: MakeProvider, context: ToolContext, legacy: bool
) -> None:
    provider = await make_provider(stdio_server_config("kill", legacy=legacy))
    first = (await provider.call_tool("pid", {}, context))["pid"]

    os.kill(first, signal.SIGKILL)
    await eventually(lambda: provider.status().restarts == 1 and provider.status().connected)

    second = (await provider.call_tool("pid", {}, context))["pid"]
    assert second != first
    assert await provider.call_tool("add", {"a": 1, "b": 1}, context) == {"result": 2}
    assert provider.status().error is None


async def test_while_the_server_is_down_calls_fail_as_unavailable(
    make_provider: MakeProvider, context: ToolContext
) -> None:
    # A long backoff keeps the server down for the length of the test.
    provider = await make_provider(stdio_server_config("down"), initial_backoff=30, max_backoff=30)
    os.kill((await provider.call_tool("pid", {}, context))["pid"], signal.SIGKILL)
    await eventually(lambda: not provider.status().connected)

    with pytest.raises(BackendUnavailableError, match="'down' is not connected"):
        await provider.call_tool("echo", {"text": "hi"}, context)
    assert [spec.name for spec in await provider.list_tools()][:2] == ["add", "echo"]  # last known
    assert "connection lost" in (provider.status().error or "")


async def test_a_connection_lost_mid_call_fails_the_call_and_is_restored(
    make_provider: MakeProvider, context: ToolContext
) -> None:
    provider = await make_provider(stdio_server_config("midcall"))
    pid = (await provider.call_tool("pid", {}, context))["pid"]
    call = asyncio.create_task(provider.call_tool("slow", {"seconds": 30}, context))
    await asyncio.sleep(0.3)

    os.kill(pid, signal.SIGKILL)

    with pytest.raises(McpConnectionError, match="lost the connection during the call of 'slow'"):
        await asyncio.wait_for(call, 5)
    await eventually(lambda: provider.status().restarts == 1 and provider.status().connected)
    assert await provider.call_tool("echo", {"text": "back"}, context) == "back"


@pytest.mark.parametrize("legacy", [False, True], ids=["2026", "2025"])
async def test_aclose_leaves_no_process_behind(
    make_provider: MakeProvider, context: ToolContext, legacy: bool
) -> None:
    provider = await make_provider(stdio_server_config("orphan", legacy=legacy))
    pid = (await provider.call_tool("pid", {}, context))["pid"]

    await provider.aclose()

    assert not alive(pid)
    assert provider.status().connected is False
    with pytest.raises(BackendUnavailableError):
        await provider.call_tool("pid", {}, context)


async def test_env_is_passed_over_a_minimal_environment(
    make_provider: MakeProvider, context: ToolContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGW_TEST_PARENT_SECRET", "must-not-leak")
    provider = await make_provider(stdio_server_config("env", env={"GREETING": "hello"}))

    assert await provider.call_tool("env", {"name": "GREETING"}, context) == "hello"
    assert await provider.call_tool("env", {"name": "PATH"}, context) == os.environ["PATH"]
    assert await provider.call_tool("env", {"name": "AGW_TEST_PARENT_SECRET"}, context) == ""


async def test_refresh_reconnects_without_counting_a_restart(
    make_provider: MakeProvider, context: ToolContext
) -> None:
    provider = await make_provider(stdio_server_config("refresh"))
    first = (await provider.call_tool("pid", {}, context))["pid"]
    since = provider.status().connected_since

    await provider.refresh()

    status = provider.status()
    assert status.connected
    assert status.restarts == 0
    assert since is not None
    assert status.connected_since is not None
    assert status.connected_since > since
    assert (await provider.call_tool("pid", {}, context))["pid"] != first
    assert not alive(first)


@pytest.mark.parametrize("legacy", [False, True], ids=["2026", "2025"])
async def test_a_changed_tool_list_is_listed_again(
    make_provider: MakeProvider, context: ToolContext, legacy: bool
) -> None:
    provider = await make_provider(stdio_server_config("grow", legacy=legacy))
    before = provider.status().tool_count
    assert await provider.call_tool("grow", {"name": "sprout"}, context) == "grown"

    await eventually(lambda: provider.status().tool_count == before + 1)
    assert "sprout" in [spec.name for spec in await provider.list_tools()]
    assert await provider.call_tool("sprout", {}, context) == "sprout"
