"""Two directories on one store, as two replicas of the gateway: what one changes through the
admin use cases reaches the other within a sync interval."""

from __future__ import annotations

import asyncio
import logging

import pytest

from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.mcp_servers import McpServerDirectory
from agent_gateway_core.testing import FakeMcpConnector

from .conftest import (
    GITHUB,
    JIRA,
    MakeDirectory,
    config,
    pass_sync_interval,
    settle,
    static,
)

pytestmark = pytest.mark.unit


class Replica:
    def __init__(self, make_directory: MakeDirectory, clock, *servers: object) -> None:
        self.connector = FakeMcpConnector(
            {"github": GITHUB, "jira": JIRA, "https://mirror.example/mcp": GITHUB}, clock=clock
        )
        self.registry = ToolRegistry()
        self.directory: McpServerDirectory = make_directory(
            servers, connector=self.connector, registry=self.registry
        )

    def names(self) -> list[str]:
        return [view.config.name for view in self.directory.servers()]


@pytest.fixture
async def replicas(make_directory, clock) -> tuple[Replica, Replica]:
    a, b = Replica(make_directory, clock), Replica(make_directory, clock)
    await a.directory.start()
    await b.directory.start()
    return a, b


async def test_a_server_created_on_one_replica_connects_on_the_other(replicas, clock) -> None:
    a, b = replicas

    view = await a.directory.create(
        name="github",
        transport="streamable_http",
        url="https://github.example/mcp",
        credentials={"bearer_token": "ghp_secret"},
    )
    assert b.names() == []  # not before its next sync

    await pass_sync_interval(clock)

    assert b.names() == ["github"]
    assert b.directory.get(view.config.id).status.connected is True
    assert set(b.registry.all()) == {"github__search", "github__create_issue"}
    [connection] = b.connector.connections_of("github")
    assert connection.config.credentials == {"bearer_token": "ghp_secret"}


async def test_an_update_on_one_replica_reconnects_the_other(replicas, clock) -> None:
    a, b = replicas
    server_id = (
        await a.directory.create(
            name="github", transport="streamable_http", url="https://github.example/mcp"
        )
    ).config.id
    await pass_sync_interval(clock)

    await a.directory.update(server_id, {"url": "https://mirror.example/mcp"})
    await pass_sync_interval(clock)

    old, new = b.connector.connections_of("github")
    assert old.closed is True
    assert (new.closed, new.config.url) == (False, "https://mirror.example/mcp")
    assert b.directory.get(server_id).status.connected is True


async def test_a_rename_on_one_replica_moves_the_tools_on_the_other(replicas, clock) -> None:
    a, b = replicas
    server_id = (
        await a.directory.create(
            name="github", transport="streamable_http", url="https://mirror.example/mcp"
        )
    ).config.id
    await pass_sync_interval(clock)

    await a.directory.update(server_id, {"name": "gh"})
    await pass_sync_interval(clock)

    assert b.names() == ["gh"]
    assert set(b.registry.all()) == {"gh__search", "gh__create_issue"}
    assert b.connector.connections_of("github")[0].closed is True


async def test_disabling_on_one_replica_removes_the_tools_on_the_other(replicas, clock) -> None:
    a, b = replicas
    server_id = (await a.directory.create(name="jira", transport="stdio", command="jira")).config.id
    await pass_sync_interval(clock)
    assert "jira__find" in b.registry.all()

    await a.directory.update(server_id, {"enabled": False})
    await pass_sync_interval(clock)

    assert b.registry.all() == {}
    assert b.directory.get(server_id).status.error == "disabled"
    assert b.connector.open_connections == []


async def test_a_delete_on_one_replica_disconnects_the_other(replicas, clock) -> None:
    a, b = replicas
    server_id = (await a.directory.create(name="jira", transport="stdio", command="jira")).config.id
    await pass_sync_interval(clock)

    await a.directory.delete(server_id)
    await pass_sync_interval(clock)

    assert b.names() == []
    assert b.registry.all() == {}
    assert "jira" not in b.registry.providers
    assert b.connector.connections_of("jira")[0].closed is True


async def test_sync_returns_with_the_deleted_servers_connection_closed(replicas) -> None:
    a, b = replicas
    server_id = (await a.directory.create(name="jira", transport="stdio", command="jira")).config.id
    await b.directory.sync()

    await a.directory.delete(server_id)
    await b.directory.sync()  # called directly: no loop turn after it

    assert b.connector.connections_of("jira")[0].closed is True


async def test_a_stored_server_of_a_static_name_is_hidden_with_one_warning(
    make_directory, clock, caplog
) -> None:
    caplog.set_level(logging.WARNING, logger="agent_gateway.mcp")
    a = Replica(make_directory, clock)
    b = Replica(make_directory, clock, static("github", url="https://mirror.example/mcp"))
    await a.directory.start()
    await b.directory.start()

    await a.directory.create(name="github", transport="stdio", command="github")
    await pass_sync_interval(clock)
    await pass_sync_interval(clock)

    [view] = b.directory.servers()
    assert (view.origin, view.config.url) == ("code", "https://mirror.example/mcp")
    assert len(b.connector.connections) == 1
    assert caplog.text.count("in the database is hidden") == 1


async def test_a_store_failure_during_sync_is_logged_and_the_loop_keeps_going(
    replicas, persistence, clock, caplog
) -> None:
    a, b = replicas
    persistence.available = False
    await pass_sync_interval(clock)
    await pass_sync_interval(clock)
    assert caplog.text.count("could not be synced with the database") == 4  # 2 replicas

    persistence.available = True
    await a.directory.create(name="jira", transport="stdio", command="jira")
    await pass_sync_interval(clock)

    assert b.names() == ["jira"]


async def test_keys_in_another_order_from_the_store_do_not_reconnect(
    replicas, persistence, clock
) -> None:
    a, _ = replicas
    view = await a.directory.create(
        name="github",
        transport="streamable_http",
        url="https://github.example/mcp",
        headers={"X-Org": "acme", "Accept": "application/json"},
    )
    # What a store with JSONB columns gives back: the same mapping, keys in another order.
    await persistence.mcp_servers.save(
        view.config.model_copy(update={"headers": {"Accept": "application/json", "X-Org": "acme"}})
    )

    await pass_sync_interval(clock)

    assert len(a.connector.connections_of("github")) == 1


async def test_a_create_during_a_sync_is_not_undone_by_it(replicas) -> None:
    a, _ = replicas

    sync = asyncio.create_task(a.directory.sync())
    await asyncio.sleep(0)  # the sync is reading the store
    view = await a.directory.create(name="jira", transport="stdio", command="jira")
    await sync

    assert a.names() == ["jira"]
    assert a.directory.get(view.config.id).status.connected is True
    assert len(a.connector.connections_of("jira")) == 1


async def test_a_delete_during_a_sync_is_not_undone_by_it(replicas) -> None:
    a, _ = replicas
    server_id = (await a.directory.create(name="jira", transport="stdio", command="jira")).config.id

    sync = asyncio.create_task(a.directory.sync())
    await asyncio.sleep(0)
    await a.directory.delete(server_id)
    await sync

    assert a.names() == []
    assert a.connector.open_connections == []


async def test_closing_one_replica_leaves_the_other_following_the_store(replicas, clock) -> None:
    a, b = replicas
    await b.directory.aclose()

    await a.directory.create(name="jira", transport="stdio", command="jira")
    await pass_sync_interval(clock)
    await settle()

    assert b.names() == []
    assert a.names() == ["jira"]
    assert config("jira").name == "jira"
