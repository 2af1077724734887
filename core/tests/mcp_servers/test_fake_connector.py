"""FakeMcpConnector passes the McpConnector contract, and does what tests ask of it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core.domain.tool import ToolContext, ToolSpec
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.errors import BackendUnavailableError, ConfigError, ToolExecutionError
from agent_gateway_core.testing import FakeMcpConnector, ManualClock
from agent_gateway_testing.contracts import InvalidMcpConfig, McpConnectorContract
from agent_gateway_testing.contracts.tool_provider import ToolCallSpec

pytestmark = pytest.mark.unit

NOW = datetime(2025, 1, 1, tzinfo=UTC)
CONTEXT = ToolContext(execution_id="e1", agent_id="agent-a", user_id="u1")


def config(name: str = "github", **fields: Any) -> McpServerConfig:
    fields.setdefault("transport", "streamable_http")
    if fields["transport"] == "streamable_http":
        fields.setdefault("url", f"https://{name}.example/mcp")
    else:
        fields.setdefault("command", f"{name}-mcp")
    return McpServerConfig(id=f"id-{name}", name=name, created_at=NOW, updated_at=NOW, **fields)


def search(query: str) -> dict[str, Any]:
    return {"hits": [f"result for {query}"]}


def explode() -> None:
    raise RuntimeError("rate limited")


TOOLS = {
    "search": (ToolSpec(name="search", description="Search issues"), search),
    "explode": (ToolSpec(name="explode"), explode),
}


class _Switch:
    def __init__(self, connector: FakeMcpConnector, key: str) -> None:
        self._connector, self._key = connector, key

    async def down(self) -> None:
        self._connector.set_reachable(self._key, False)

    async def up(self) -> None:
        self._connector.set_reachable(self._key, True)


class TestFakeMcpConnector(McpConnectorContract):
    @pytest.fixture
    def connector(self) -> FakeMcpConnector:
        return FakeMcpConnector({"github": TOOLS})

    @pytest.fixture
    def reachable_config(self) -> McpServerConfig:
        return config("github")

    @pytest.fixture
    def known_tool(self) -> ToolCallSpec:
        return ("search", {"query": "flaky test"})

    @pytest.fixture
    def unreachable_config(self) -> McpServerConfig:
        return config("nobody-home")

    @pytest.fixture
    def invalid_configs(self) -> list[InvalidMcpConfig]:
        return [
            InvalidMcpConfig(config=config(transport="carrier_pigeon"), problems=("transport",)),
            InvalidMcpConfig(config=config(transport="stdio", command=None), problems=("command",)),
            InvalidMcpConfig(config=config(url=None), problems=("url",)),
            InvalidMcpConfig(
                config=config(credentials={"auth_type": "kerberos"}), problems=("auth_type",)
            ),
            InvalidMcpConfig(
                config=config(transport="stdio", command=None, credentials={"bearer_token": "t"}),
                problems=("command", "credentials"),
            ),
        ]

    @pytest.fixture
    def server_switch(self, connector: FakeMcpConnector) -> _Switch:
        return _Switch(connector, "github")


# ---------------------------------------------------------------- beyond the contract


class RecordingTokens:
    def __init__(self) -> None:
        self.issued = 0

    async def get_token(self) -> str:
        self.issued += 1
        return f"token-{self.issued}"


class FailingTokens:
    async def get_token(self) -> str:
        raise RuntimeError("token endpoint down")


@pytest.mark.parametrize(
    ("credentials", "fragment"),
    [
        ({"auth_type": "oauth2_client_credentials", "client_id": "c"}, "token_url, client_secret"),
        ({"password": "hunter2"}, "bearer_token, api_key or an auth_type"),
        ({"auth_type": "bearer"}, "bearer_token"),
    ],
)
def test_validate_checks_the_shape_of_credentials(
    credentials: dict[str, str], fragment: str
) -> None:
    with pytest.raises(ConfigError, match=fragment):
        FakeMcpConnector().validate(config(credentials=credentials))


@pytest.mark.parametrize(
    "credentials",
    [
        {"bearer_token": "t"},
        {"api_key": "k", "api_key_header": "X-Api-Key"},
        {
            "auth_type": "oauth2_client_credentials",
            "token_url": "https://auth.example/token",
            "client_id": "c",
            "client_secret": "s",
            "scopes": "read",
        },
    ],
)
def test_validate_accepts_the_known_credentials(credentials: dict[str, str]) -> None:
    FakeMcpConnector().validate(config(credentials=credentials))


def test_url_must_be_http() -> None:
    with pytest.raises(ConfigError, match="http"):
        FakeMcpConnector().validate(config(url="ftp://files.example"))


async def test_a_connection_remembers_its_config_and_token_provider_and_fetches_tokens() -> None:
    connector = FakeMcpConnector({"github": TOOLS})
    tokens = RecordingTokens()
    connection = connector.connection(config("github"), tokens)
    await connection.start()
    await connection.call_tool("search", {"query": "x"}, CONTEXT)

    assert connection.config == config("github")
    assert connection.token_provider is tokens
    assert connection.tokens == ["token-1", "token-2"]  # the listing at start, then the call
    assert connection.calls == [("search", {"query": "x"})]
    assert connector.connections_of("github") == [connection]


async def test_a_failing_token_provider_fails_start_quietly() -> None:
    connection = FakeMcpConnector({"github": TOOLS}).connection(config("github"), FailingTokens())
    await connection.start()
    status = connection.status()
    assert status.connected is False
    assert status.error == "the token provider failed: token endpoint down"


async def test_a_token_provider_that_works_again_reconnects_on_the_next_request() -> None:
    class Flaky:
        failing = True

        async def get_token(self) -> str:
            if self.failing:
                raise RuntimeError("token endpoint down")
            return "fresh"

    tokens = Flaky()
    connection = FakeMcpConnector({"github": TOOLS}).connection(config("github"), tokens)
    await connection.start()
    assert connection.status().connected is False  # status() alone cannot fetch a token

    tokens.failing = False
    assert {spec.name for spec in await connection.list_tools()} == {"search", "explode"}
    assert connection.status().connected is True


async def test_a_server_is_reached_by_url_or_command_before_name() -> None:
    connector = FakeMcpConnector({"https://tools.example/mcp": TOOLS, "local-tools": TOOLS})
    by_url = connector.connection(config("renamed", url="https://tools.example/mcp"))
    by_command = connector.connection(config("other", transport="stdio", command="local-tools"))
    for connection in (by_url, by_command):
        await connection.start()
        assert connection.status().connected is True


async def test_tools_change_when_the_server_changes_them() -> None:
    connector = FakeMcpConnector({"github": TOOLS})
    connection = connector.connection(config("github"))
    await connection.start()
    connector.set_tools("github", {"triage": (ToolSpec(name="triage"), lambda: "done")})
    assert [spec.name for spec in await connection.list_tools()] == ["triage"]
    assert connection.status().tool_count == 1


async def test_a_lost_connection_comes_back_counted_as_a_restart() -> None:
    clock = ManualClock()
    connector = FakeMcpConnector({"github": TOOLS}, clock=clock)
    connection = connector.connection(config("github"))
    await connection.start()

    connector.set_reachable("github", False)
    lost = connection.status()
    with pytest.raises(BackendUnavailableError, match="connection lost"):
        await connection.list_tools()
    clock.advance(60)
    connector.set_reachable("github", True)
    back = connection.status()

    assert (lost.connected, lost.restarts) == (False, 0)
    assert (back.connected, back.restarts, back.error) == (True, 1, None)
    assert back.connected_since == clock.now()
    assert connection.connects == 2


async def test_refresh_reconnects_without_counting_a_restart() -> None:
    connection = FakeMcpConnector({"github": TOOLS}).connection(config("github"))
    await connection.start()
    await connection.refresh()
    assert (connection.connects, connection.refreshes, connection.status().restarts) == (2, 1, 0)


async def test_a_failing_tool_raises_tool_execution_error() -> None:
    connection = FakeMcpConnector({"github": TOOLS}).connection(config("github"))
    await connection.start()
    with pytest.raises(ToolExecutionError, match="rate limited"):
        await connection.call_tool("explode", {}, CONTEXT)


async def test_probe_is_recorded_and_opens_no_connection() -> None:
    connector = FakeMcpConnector({"github": TOOLS})
    tools = await connector.probe(config("github"), RecordingTokens())
    assert {spec.name for spec in tools} == {"search", "explode"}
    assert connector.probes == [config("github")]
    assert connector.connections == []


async def test_open_connections_and_close_counts() -> None:
    connector = FakeMcpConnector({"github": TOOLS})
    first, second = connector.connection(config("github")), connector.connection(config("a"))
    await first.aclose()
    await first.aclose()
    assert connector.open_connections == [second]
    assert (first.closed, first.close_calls) == (True, 2)
