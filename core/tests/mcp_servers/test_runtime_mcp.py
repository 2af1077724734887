"""Runtime.start_mcp_servers end to end: a scripted model calls an MCP tool through invoke."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent_gateway_core import ExecutionStatus, Runtime
from agent_gateway_core.domain.messages import Role
from agent_gateway_core.testing import (
    FakeMcpConnector,
    InMemoryPersistence,
    ManualClock,
    ScriptedLLM,
    reply,
    tool_call,
)
from agent_gateway_core.workspace.state import WorkspaceState

from .conftest import SYNC, agent, pass_sync_interval, static

pytestmark = pytest.mark.unit


@pytest.fixture
def llm() -> ScriptedLLM:
    return ScriptedLLM()


@pytest.fixture
async def runtime(
    llm: ScriptedLLM, persistence: InMemoryPersistence, clock: ManualClock
) -> AsyncIterator[Runtime]:
    workspace = WorkspaceState(
        root=None,
        agents={a.id: a for a in (agent("coder", "github"), agent("writer"), agent("pm", "jira"))},
    )
    async with Runtime(workspace=workspace, llm=llm, persistence=persistence, clock=clock) as rt:
        yield rt


def offered(llm: ScriptedLLM, index: int) -> set[str]:
    return {spec.name for spec in llm.requests[index].tools}


async def test_an_agent_calls_a_tool_of_its_mcp_server(
    runtime: Runtime, llm: ScriptedLLM, connector: FakeMcpConnector
) -> None:
    directory = await runtime.start_mcp_servers(
        connector, [static("github")], sync_interval_seconds=SYNC
    )
    llm.push(tool_call("github__search", {"query": "flaky test"}), reply("Found one."))

    result = await runtime.invoke("coder", "Any flaky tests?")

    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.raw_text == "Found one."
    assert offered(llm, 0) == {"github__search", "github__create_issue"}
    [connection] = connector.connections_of("github")
    assert connection.calls == [("search", {"query": "flaky test"})]
    tool_message = llm.requests[1].messages[-1]
    assert tool_message.role is Role.TOOL
    assert "issue about flaky test" in (tool_message.content or "")
    assert runtime.mcp_servers is directory


async def test_an_agent_without_the_server_is_not_offered_its_tools(
    runtime: Runtime, llm: ScriptedLLM, connector: FakeMcpConnector
) -> None:
    await runtime.start_mcp_servers(connector, [static("github")], sync_interval_seconds=SYNC)
    llm.push(reply("Nothing to call."))

    await runtime.invoke("writer", "Write something")

    assert offered(llm, 0) == set()


async def test_an_agent_without_the_server_cannot_call_its_tools(
    runtime: Runtime, llm: ScriptedLLM, connector: FakeMcpConnector
) -> None:
    await runtime.start_mcp_servers(connector, [static("github")], sync_interval_seconds=SYNC)
    llm.push(tool_call("github__search", {"query": "x"}), reply("ok"))

    await runtime.invoke("writer", "Search anyway")

    assert connector.connections_of("github")[0].calls == []
    assert "unknown tool 'github__search'" in (llm.requests[1].messages[-1].content or "")


async def test_a_server_created_after_start_is_usable_at_once(
    runtime: Runtime, llm: ScriptedLLM, connector: FakeMcpConnector
) -> None:
    directory = await runtime.start_mcp_servers(connector, sync_interval_seconds=SYNC)
    llm.push(reply("no tools yet"))
    await runtime.invoke("pm", "Tickets?")
    assert offered(llm, 0) == set()

    await directory.create(name="jira", transport="stdio", command="jira")
    llm.push(tool_call("jira__find", {"jql": "status = open"}), reply("3 open"))
    result = await runtime.invoke("pm", "Tickets?")

    assert result.status is ExecutionStatus.SUCCEEDED
    assert offered(llm, 1) == {"jira__find"}
    assert connector.connections_of("jira")[0].calls == [("find", {"jql": "status = open"})]


async def test_an_unreachable_server_joins_the_agents_tools_when_it_comes_up(
    runtime: Runtime, llm: ScriptedLLM, connector: FakeMcpConnector, clock: ManualClock
) -> None:
    connector.set_reachable("github", False)
    await runtime.start_mcp_servers(connector, [static("github")], sync_interval_seconds=SYNC)
    llm.push(reply("later"))
    await runtime.invoke("coder", "Search")

    connector.set_reachable("github", True)
    await pass_sync_interval(clock)
    llm.push(reply("now"))
    await runtime.invoke("coder", "Search")

    assert offered(llm, 0) == set()
    assert offered(llm, 1) == {"github__search", "github__create_issue"}


async def test_start_mcp_servers_twice_returns_the_same_directory(
    runtime: Runtime, connector: FakeMcpConnector
) -> None:
    first = await runtime.start_mcp_servers(connector, [static("github")])
    second = await runtime.start_mcp_servers(connector, [static("jira")])
    assert second is first
    assert len(connector.connections) == 1


async def test_aclose_closes_the_mcp_connections_and_the_sync_loop(
    llm: ScriptedLLM,
    persistence: InMemoryPersistence,
    clock: ManualClock,
    connector: FakeMcpConnector,
) -> None:
    workspace = WorkspaceState(root=None, agents={"coder": agent("coder", "github")})
    runtime = Runtime(workspace=workspace, llm=llm, persistence=persistence, clock=clock)
    await runtime.start()
    await runtime.start_mcp_servers(connector, [static("github")], sync_interval_seconds=SYNC)
    await runtime.mcp_servers.create(name="jira", transport="stdio", command="jira")  # type: ignore[union-attr]

    await runtime.aclose()

    assert connector.open_connections == []
    assert all(c.close_calls == 1 for c in connector.connections)
    assert runtime.tool_registry.providers == {}
