"""McpServerDirectory in one process: start, the admin use cases, and closing."""

from __future__ import annotations

import logging

import pytest

from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.errors import (
    BackendUnavailableError,
    DuplicateError,
    McpServerNotFoundError,
    McpServerReadOnlyError,
    McpServerValidationError,
)
from agent_gateway_core.mcp_servers import McpServerDirectory
from agent_gateway_core.testing import (
    FakeMcpConnector,
    InMemoryPersistence,
    ManualClock,
    StaticToolProvider,
)

from .conftest import (
    GITHUB,
    MakeDirectory,
    agent,
    config,
    pass_sync_interval,
    settle,
    static,
    tool_names,
)

pytestmark = pytest.mark.unit

GITHUB_TOOLS = {"github__search", "github__create_issue"}


class Tokens:
    def __init__(self) -> None:
        self.issued = 0

    async def get_token(self) -> str:
        self.issued += 1
        return f"token-{self.issued}"


async def started(make_directory: MakeDirectory, *servers: object) -> McpServerDirectory:
    directory = make_directory(servers)
    await directory.start()
    return directory


# ---------------------------------------------------------------- start


async def test_static_servers_connect_at_start_with_prefixed_tools(
    make_directory, registry, connector
) -> None:
    tokens = Tokens()
    directory = await started(
        make_directory, static("github", token_provider=tokens), static("jira", origin="config")
    )

    assert set(registry.all()) == GITHUB_TOOLS | {"jira__find"}
    assert registry.get("github__search").spec.description == "Search issues"
    github, jira = directory.servers()
    assert (github.origin, github.read_only, github.status.connected) == ("code", True, True)
    assert {spec.name for spec in github.tools} == {"search", "create_issue"}
    assert (jira.origin, jira.read_only, jira.status.tool_count) == ("config", True, 1)
    [connection] = connector.connections_of("github")
    assert connection.token_provider is tokens
    assert tokens.issued >= 1


async def test_tools_are_offered_only_to_agents_listing_the_server(
    make_directory, registry
) -> None:
    await started(make_directory, static("github"), static("jira"))

    assert tool_names(registry, agent("coder", "github")) == GITHUB_TOOLS
    assert tool_names(registry, agent("pm", "jira")) == {"jira__find"}
    assert tool_names(registry, agent("both", "github", "jira")) == GITHUB_TOOLS | {"jira__find"}
    assert tool_names(registry, agent("plain")) == set()


async def test_a_stored_server_connects_at_start(
    make_directory, registry, persistence, connector
) -> None:
    stored = config("github", credentials={"bearer_token": "ghp_secret"})
    await persistence.mcp_servers.save(stored)

    directory = await started(make_directory)

    [view] = directory.servers()
    assert (view.origin, view.read_only, view.status.connected) == ("database", False, True)
    assert set(registry.all()) == GITHUB_TOOLS
    assert connector.connections_of("github")[0].config == stored  # credentials decrypted


async def test_an_unreachable_server_never_fails_start_and_its_tools_come_when_it_is_up(
    make_directory, registry, connector, clock, caplog
) -> None:
    connector.set_reachable("jira", False)

    directory = await started(make_directory, static("github"), static("jira"))

    github, jira = directory.servers()
    assert github.status.connected is True
    assert jira.status.connected is False
    assert "connection refused" in (jira.status.error or "")
    assert jira.tools == ()
    assert tool_names(registry, agent("pm", "jira")) == set()
    assert "'jira' is not reachable yet" in caplog.text

    connector.set_reachable("jira", True)
    await pass_sync_interval(clock)

    jira = directory.servers()[1]
    assert (jira.status.connected, jira.status.error) == (True, None)
    assert tool_names(registry, agent("pm", "jira")) == {"jira__find"}
    assert len(connector.connections_of("jira")) == 1  # the same connection came up


async def test_a_server_no_fake_answers_is_unreachable_too(make_directory, registry) -> None:
    directory = await started(make_directory, static("nobody"))
    [view] = directory.servers()
    assert view.status.connected is False
    assert registry.all() == {}


async def test_the_store_down_at_start_leaves_the_static_servers_running(
    make_directory, registry, persistence, clock, caplog
) -> None:
    await persistence.mcp_servers.save(config("jira"))
    persistence.available = False

    directory = await started(make_directory, static("github"))

    assert [view.config.name for view in directory.servers()] == ["github"]
    assert "could not be read" in caplog.text
    persistence.available = True
    await pass_sync_interval(clock)
    assert [view.config.name for view in directory.servers()] == ["github", "jira"]
    assert "jira__find" in registry.all()


async def test_tools_a_server_changes_are_listed_again_by_the_sync(
    make_directory, registry, connector, clock
) -> None:
    await started(make_directory, static("github"))

    connector.set_tools("github", {"triage": (ToolSpec(name="triage"), lambda: "ok")})
    await pass_sync_interval(clock)

    assert set(registry.all()) == {"github__triage"}


async def test_two_static_servers_of_one_name_are_a_config_error(make_directory) -> None:
    with pytest.raises(Exception, match="two MCP servers are named 'github'"):
        make_directory([static("github"), static("github", origin="config")])


# ---------------------------------------------------------------- create


async def test_create_connects_at_once_and_stores_the_credentials(
    make_directory, registry, persistence, connector
) -> None:
    directory = await started(make_directory)

    view = await directory.create(
        name="github",
        transport="streamable_http",
        url="https://github.example/mcp",
        headers={"X-Org": "acme"},
        credentials={"bearer_token": "ghp_secret"},
    )

    assert (view.origin, view.status.connected) == ("database", True)
    assert {spec.name for spec in view.tools} == {"search", "create_issue"}
    assert set(registry.all()) == GITHUB_TOOLS
    stored = await persistence.mcp_servers.get_by_name("github")
    assert stored is not None
    assert stored.id == view.config.id
    assert stored.credentials == {"bearer_token": "ghp_secret"}
    assert connector.connections_of("github")[0].config.credentials == {
        "bearer_token": "ghp_secret"
    }
    assert directory.get(view.config.id) == directory.servers()[0]


@pytest.mark.parametrize("name", ["a__b", "GitHub", "x" * 65, "-github", "github-", "a b", ""])
async def test_create_refuses_a_name_that_cannot_prefix_tools(
    make_directory, persistence, connector, name
) -> None:
    directory = await started(make_directory)

    with pytest.raises(McpServerValidationError, match="invalid MCP server name"):
        await directory.create(name=name, transport="streamable_http", url="https://x.example")

    assert await persistence.mcp_servers.list_all() == []
    assert connector.connections == []


async def test_a_name_of_64_characters_is_fine(make_directory) -> None:
    directory = await started(make_directory)
    view = await directory.create(name="x" * 64, transport="stdio", command="x-mcp")
    assert view.config.name == "x" * 64


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"transport": "carrier_pigeon"}, "transport"),
        ({"transport": "stdio"}, "needs a command"),
        ({"transport": "streamable_http"}, "needs a url"),
        (
            {
                "transport": "streamable_http",
                "url": "https://x.example",
                "credentials": {"auth_type": "kerberos"},
            },
            "auth_type",
        ),
    ],
)
async def test_create_refuses_a_config_that_cannot_work(
    make_directory, persistence, connector, fields, problem
) -> None:
    directory = await started(make_directory)

    with pytest.raises(McpServerValidationError, match=problem):
        await directory.create(name="broken", **fields)

    assert await persistence.mcp_servers.list_all() == []
    assert connector.connections == []


@pytest.mark.parametrize(
    "fields",
    [{"command": 42}, {"args": 42}, {"env": "HOME=/root"}, {"enabled": "maybe"}],
)
async def test_create_refuses_fields_of_the_wrong_type(make_directory, persistence, fields) -> None:
    directory = await started(make_directory)
    fields.setdefault("command", "jira")

    with pytest.raises(McpServerValidationError, match="invalid MCP server fields"):
        await directory.create(name="jira", transport="stdio", **fields)

    assert await persistence.mcp_servers.list_all() == []


async def test_create_refuses_a_taken_name_static_or_stored(make_directory, persistence) -> None:
    directory = await started(make_directory, static("github"))
    await directory.create(name="jira", transport="streamable_http", url="https://j.example")

    for name in ("github", "jira"):
        with pytest.raises(DuplicateError, match=name):
            await directory.create(name=name, transport="stdio", command="other")

    assert [s.name for s in await persistence.mcp_servers.list_all()] == ["jira"]


async def test_create_refuses_the_name_of_another_tool_provider(
    make_directory, registry, persistence
) -> None:
    files = StaticToolProvider("files", {"read": (ToolSpec(name="read"), lambda: "text")})
    registry.add_provider(files)
    await registry.refresh_providers()
    directory = await started(make_directory)

    with pytest.raises(DuplicateError, match="files"):
        await directory.create(name="files", transport="stdio", command="files-mcp")

    assert await persistence.mcp_servers.list_all() == []
    assert registry.providers["files"] is files
    assert set(registry.all()) == {"files__read"}


async def test_a_stored_server_named_as_another_tool_provider_is_left_out(
    make_directory, registry, persistence, caplog
) -> None:
    files = StaticToolProvider("files", {"read": (ToolSpec(name="read"), lambda: "text")})
    registry.add_provider(files)
    await registry.refresh_providers()
    await persistence.mcp_servers.save(config("files", transport="stdio", command="files-mcp"))

    directory = await started(make_directory)  # does not fail
    await directory.aclose()

    assert registry.providers["files"] is files  # neither replaced nor removed on close
    assert set(registry.all()) == {"files__read"}
    assert "'files' cannot be used" in caplog.text


async def test_create_of_a_disabled_server_stores_it_without_connecting(
    make_directory, registry, persistence, connector
) -> None:
    directory = await started(make_directory)

    view = await directory.create(
        name="github", transport="streamable_http", url="https://g.example", enabled=False
    )

    assert (view.status.connected, view.status.error) == (False, "disabled")
    assert connector.connections == []
    assert registry.all() == {}
    assert await persistence.mcp_servers.get(view.config.id) is not None


# ---------------------------------------------------------------- update


async def created(directory: McpServerDirectory, name: str = "github", **fields: object) -> str:
    fields.setdefault("transport", "streamable_http")
    fields.setdefault("url", f"https://{name}.example/mcp")
    view = await directory.create(name=name, **fields)  # type: ignore[arg-type]
    return view.config.id


async def test_a_change_reconnects_the_server(
    make_directory, connector, persistence, clock
) -> None:
    directory = await started(make_directory)
    server_id = await created(directory)
    connector.add_server("https://mirror.example/mcp", GITHUB)
    clock.advance(60)

    view = await directory.update(server_id, {"url": "https://mirror.example/mcp"})

    old, new = connector.connections_of("github")
    assert old.closed is True
    assert (new.closed, new.config.url) == (False, "https://mirror.example/mcp")
    assert view.status.connected is True
    stored = await persistence.mcp_servers.get(server_id)
    assert stored is not None
    assert stored.url == "https://mirror.example/mcp"
    assert stored.updated_at == clock.now()
    assert stored.created_at == view.config.created_at != stored.updated_at


async def test_an_update_that_changes_nothing_keeps_the_connection(
    make_directory, connector
) -> None:
    directory = await started(make_directory)
    server_id = await created(directory, headers={"X-Org": "acme"})

    await directory.update(server_id, {"enabled": True, "headers": {"X-Org": "acme"}})

    assert len(connector.connections_of("github")) == 1


async def test_servers_from_code_or_gateway_yaml_are_read_only(make_directory) -> None:
    directory = await started(make_directory, static("github"), static("jira", origin="config"))

    with pytest.raises(McpServerReadOnlyError, match=r"in code \(add_mcp_server\)"):
        await directory.update("id-github", {"enabled": False})
    with pytest.raises(McpServerReadOnlyError, match=r"in gateway\.yaml"):
        await directory.delete("id-jira")
    assert all(view.status.connected for view in directory.servers())


async def test_a_rename_moves_the_tools_to_the_new_prefix(
    make_directory, registry, connector, persistence
) -> None:
    directory = await started(make_directory)
    server_id = await created(directory, url="https://github.example/mcp")
    connector.add_server("https://github.example/mcp", GITHUB)

    view = await directory.update(server_id, {"name": "gh"})

    assert view.config.name == "gh"
    assert set(registry.all()) == {"gh__search", "gh__create_issue"}
    assert "github" not in registry.providers
    assert connector.connections_of("github")[0].closed is True
    assert [s.name for s in await persistence.mcp_servers.list_all()] == ["gh"]
    assert directory.get(server_id).config.name == "gh"


async def test_a_rename_to_a_taken_name_is_refused(make_directory, persistence) -> None:
    directory = await started(make_directory, static("jira"))
    server_id = await created(directory)

    for taken in ("jira", "github"):
        if taken == "github":
            server_id = await created(directory, name="other")
        with pytest.raises(DuplicateError):
            await directory.update(server_id, {"name": taken})

    assert sorted(s.name for s in await persistence.mcp_servers.list_all()) == ["github", "other"]


async def test_disabling_removes_the_tools_and_enabling_brings_them_back(
    make_directory, registry, connector
) -> None:
    directory = await started(make_directory)
    server_id = await created(directory)

    view = await directory.update(server_id, {"enabled": False})

    assert (view.status.connected, view.status.error) == (False, "disabled")
    assert registry.all() == {}
    assert connector.connections_of("github")[0].closed is True
    await directory.update(server_id, {"enabled": True})
    assert set(registry.all()) == GITHUB_TOOLS


@pytest.mark.parametrize("field", ["id", "created_at", "timeout", "tools"])
async def test_an_unknown_or_fixed_field_is_refused(make_directory, field) -> None:
    directory = await started(make_directory)
    server_id = await created(directory)

    with pytest.raises(McpServerValidationError, match=field):
        await directory.update(server_id, {field: "x"})


@pytest.mark.parametrize(
    "changes",
    [
        {"transport": "carrier_pigeon"},
        {"url": None},
        {"name": "Not Valid"},
        {"enabled": "maybe"},
        {"args": 42},
        {"headers": "X-Org: acme"},
    ],
)
async def test_an_update_that_cannot_work_is_refused_and_changes_nothing(
    make_directory, persistence, connector, changes
) -> None:
    directory = await started(make_directory)
    server_id = await created(directory)
    before = await persistence.mcp_servers.get(server_id)

    with pytest.raises(McpServerValidationError):
        await directory.update(server_id, changes)

    assert await persistence.mcp_servers.get(server_id) == before
    assert len(connector.connections_of("github")) == 1


async def test_update_or_delete_of_an_unknown_id_is_not_found(make_directory) -> None:
    directory = await started(make_directory)
    with pytest.raises(McpServerNotFoundError):
        await directory.update("nope", {"enabled": False})
    with pytest.raises(McpServerNotFoundError):
        await directory.delete("nope")
    with pytest.raises(McpServerNotFoundError):
        directory.get("nope")


# ---------------------------------------------------------------- delete, refresh, test


async def test_delete_removes_the_tools_the_connection_and_the_row(
    make_directory, registry, connector, persistence
) -> None:
    directory = await started(make_directory)
    server_id = await created(directory)

    await directory.delete(server_id)

    assert registry.all() == {}
    assert "github" not in registry.providers
    assert connector.connections_of("github")[0].closed is True
    assert await persistence.mcp_servers.get(server_id) is None
    assert directory.servers() == []


async def test_refresh_reconnects_and_lists_the_tools_at_once(
    make_directory, registry, connector
) -> None:
    directory = await started(make_directory, static("github"))
    connector.set_tools("github", {"triage": (ToolSpec(name="triage"), lambda: "ok")})

    view = await directory.refresh("id-github")

    assert connector.connections_of("github")[0].refreshes == 1
    assert [spec.name for spec in view.tools] == ["triage"]
    assert set(registry.all()) == {"github__triage"}
    assert directory.tools("id-github") == [view.tools[0]]


async def test_test_probes_apart_from_the_running_connection(make_directory, connector) -> None:
    tokens = Tokens()
    directory = await started(make_directory, static("github", token_provider=tokens))
    issued = tokens.issued

    tools = await directory.test("id-github")

    assert {spec.name for spec in tools} == {"search", "create_issue"}
    assert connector.probes == [config("github")]
    assert tokens.issued == issued + 1  # the probe used the server's token provider
    assert len(connector.connections) == 1


async def test_test_of_an_unreachable_server_raises_backend_unavailable(
    make_directory, connector
) -> None:
    connector.set_reachable("github", False)
    directory = await started(make_directory, static("github"))
    with pytest.raises(BackendUnavailableError):
        await directory.test("id-github")


# ---------------------------------------------------------------- closing


async def test_aclose_closes_every_connection_and_stops_the_loop(
    make_directory, connector, persistence, registry, clock
) -> None:
    directory = await started(make_directory, static("github"))
    await created(directory, name="jira")
    await settle()
    assert clock.sleepers == 1

    await directory.aclose()
    await directory.aclose()

    assert connector.open_connections == []
    assert all(c.close_calls == 1 for c in connector.connections)
    assert registry.providers == {}
    assert clock.sleepers == 0
    await persistence.mcp_servers.save(config("late"))
    await pass_sync_interval(clock)
    assert len(connector.connections) == 2  # nothing synced after closing


async def test_a_connection_that_fails_to_close_is_logged(
    make_directory, connector, caplog
) -> None:
    directory = await started(make_directory, static("github"))
    connection = connector.connections_of("github")[0]

    async def broken() -> None:
        raise RuntimeError("subprocess already gone")

    connection.aclose = broken  # type: ignore[method-assign]
    await directory.aclose()

    assert "did not close cleanly" in caplog.text


async def test_an_unreachable_server_logs_a_warning_once_at_start(
    make_directory, connector, clock, caplog
) -> None:
    connector.set_reachable("github", False)
    caplog.set_level(logging.WARNING, logger="agent_gateway.mcp")
    await started(make_directory, static("github"))
    await pass_sync_interval(clock)
    await pass_sync_interval(clock)
    assert caplog.text.count("not reachable yet") == 1


async def test_a_static_server_the_connector_refuses_is_shown_and_logged_once(
    make_directory, registry, clock, caplog
) -> None:
    refused = static("github", credentials={"auth_type": "kerberos"})

    directory = await started(make_directory, refused, static("jira"))
    await pass_sync_interval(clock)
    await pass_sync_interval(clock)

    github, jira = directory.servers()
    assert github.status.connected is False
    assert "auth_type" in (github.status.error or "")
    assert jira.status.connected is True
    assert set(registry.all()) == {"jira__find"}
    assert caplog.text.count("'github' cannot be used") == 1


async def test_start_logs_a_summary(make_directory, caplog) -> None:
    caplog.set_level(logging.INFO, logger="agent_gateway.mcp")
    await started(make_directory, static("github"), static("nobody"))
    assert "MCP servers: 2 configured, 1 connected, 2 tool(s)" in caplog.text


async def test_a_directory_needs_no_running_store(clock: ManualClock) -> None:
    # The fixtures' directory is the usual one; this checks the defaults of the constructor.
    from agent_gateway_core.engine.tool_registry import ToolRegistry

    directory = McpServerDirectory(
        connector=FakeMcpConnector(),
        store=InMemoryPersistence().mcp_servers,
        registry=ToolRegistry(),
        clock=clock,
    )
    await directory.start()
    assert directory.servers() == []
    await directory.aclose()
