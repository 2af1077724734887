"""MCP server directories over in-memory persistence and fake MCP servers, on a ManualClock
that the tests move past the sync interval instead of sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core.domain.agent import AgentDefinition, ModelConfig
from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.mcp_servers import McpServerDirectory, StaticMcpServer
from agent_gateway_core.testing import FakeMcpConnector, InMemoryPersistence, ManualClock

SYNC = 5.0
NOW = datetime(2025, 1, 1, tzinfo=UTC)
MODEL = ModelConfig(name="test/model")


def search(query: str) -> dict[str, Any]:
    return {"hits": [f"issue about {query}"]}


def create_issue(title: str) -> dict[str, str]:
    return {"created": title}


GITHUB = {
    "search": (ToolSpec(name="search", description="Search issues"), search),
    "create_issue": (ToolSpec(name="create_issue"), create_issue),
}
JIRA = {"find": (ToolSpec(name="find", description="Find tickets"), lambda jql: [jql])}


def config(name: str, **fields: Any) -> McpServerConfig:
    """A valid streamable_http config reaching the fake server of that name."""
    fields.setdefault("transport", "streamable_http")
    if fields["transport"] == "streamable_http":
        fields.setdefault("url", f"https://{name}.example/mcp")
    fields.setdefault("id", f"id-{name}")
    return McpServerConfig(name=name, created_at=NOW, updated_at=NOW, **fields)


def static(name: str, origin: str = "code", **fields: Any) -> StaticMcpServer:
    token_provider = fields.pop("token_provider", None)
    return StaticMcpServer(
        config=config(name, **fields),
        origin=origin,  # type: ignore[arg-type]
        token_provider=token_provider,
    )


def agent(agent_id: str, *servers: str) -> AgentDefinition:
    return AgentDefinition(id=agent_id, prompt="You help.", model=MODEL, mcp_servers=servers)


def tool_names(registry: ToolRegistry, agent_def: AgentDefinition) -> set[str]:
    return {definition.name for definition in registry.tools_for(agent_def, {})}


async def settle() -> None:
    """Let every task woken so far run until it waits again (in-memory I/O only yields)."""
    for _ in range(50):
        await asyncio.sleep(0)


async def pass_sync_interval(clock: ManualClock) -> None:
    """Move the clock past one sync interval and let every sync loop run."""
    await settle()
    clock.advance(SYNC + 0.1)
    await settle()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def persistence() -> InMemoryPersistence:
    return InMemoryPersistence()


@pytest.fixture
def connector(clock: ManualClock) -> FakeMcpConnector:
    return FakeMcpConnector({"github": GITHUB, "jira": JIRA}, clock=clock)


@pytest.fixture
def registry() -> ToolRegistry:
    return ToolRegistry()


MakeDirectory = Callable[..., McpServerDirectory]


@pytest.fixture
async def make_directory(
    clock: ManualClock,
    persistence: InMemoryPersistence,
    connector: FakeMcpConnector,
    registry: ToolRegistry,
) -> AsyncIterator[MakeDirectory]:
    """A directory (not started) on the shared store and clock; closed after the test."""
    made: list[McpServerDirectory] = []

    def make(
        static: Sequence[StaticMcpServer] = (),
        *,
        connector: FakeMcpConnector = connector,
        registry: ToolRegistry = registry,
    ) -> McpServerDirectory:
        directory = McpServerDirectory(
            connector=connector,
            store=persistence.mcp_servers,
            registry=registry,
            clock=clock,
            static=static,
            sync_interval_seconds=SYNC,
        )
        made.append(directory)
        return directory

    yield make
    for directory in made:
        await directory.aclose()
