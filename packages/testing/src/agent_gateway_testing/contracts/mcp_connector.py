"""Contract of McpConnector and McpServerConnection: validating, connecting, probing.

A subclass overrides ``connector``, ``reachable_config`` (a valid config of a server that
answers), ``known_tool`` (a call of one of its tools that succeeds), ``unreachable_config``
(a valid config of a server that cannot be reached) and ``invalid_configs``. Optional:
``server_switch`` (take the reachable server down and back; the cases that need it are
skipped without it), ``connection_timeout_seconds``, ``retry_deadline_seconds`` and
``advance_time`` (real time by default; see :mod:`agent_gateway_testing.contracts.timing`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import pytest

from agent_gateway_core.domain.tool import ToolContext, ToolSpec
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.errors import BackendUnavailableError, ConfigError, ToolNotFoundError
from agent_gateway_core.ports.mcp_connector import McpConnector, McpServerConnection
from agent_gateway_core.ports.tool_provider import ToolProvider
from agent_gateway_testing.contracts._required import fixture_required
from agent_gateway_testing.contracts.timing import AdvanceTime, let_real_time_pass
from agent_gateway_testing.contracts.tool_provider import ToolCallSpec


@dataclass(frozen=True, slots=True, kw_only=True)
class InvalidMcpConfig:
    """A config ``validate`` refuses, and the words (one per problem, case-insensitive) its
    ConfigError must contain: ``validate`` names every problem, not only the first."""

    config: McpServerConfig
    problems: tuple[str, ...]


class ServerSwitch(Protocol):
    """Takes the server of ``reachable_config`` down and brings it back."""

    async def down(self) -> None: ...

    async def up(self) -> None: ...


class _Connect(Protocol):
    def __call__(self, config: McpServerConfig) -> McpServerConnection: ...


class McpConnectorContract:
    """Every sentence of the McpConnector and McpServerConnection docstrings (see the module
    doc for the fixtures to override)."""

    pytestmark = pytest.mark.asyncio

    # ---------------------------------------------------------------- fixtures

    @pytest.fixture
    def connector(self) -> McpConnector:
        fixture_required(self, "connector")

    @pytest.fixture
    def reachable_config(self) -> McpServerConfig:
        fixture_required(self, "reachable_config", "a valid config of a server that answers")

    @pytest.fixture
    def known_tool(self) -> ToolCallSpec:
        fixture_required(self, "known_tool", "a call of a tool of reachable_config's server")

    @pytest.fixture
    def unreachable_config(self) -> McpServerConfig:
        fixture_required(self, "unreachable_config", "a valid config no server answers")

    @pytest.fixture
    def invalid_configs(self) -> Sequence[InvalidMcpConfig]:
        fixture_required(self, "invalid_configs")

    @pytest.fixture
    def server_switch(self) -> ServerSwitch:
        pytest.skip(f"{type(self).__name__} provides no server_switch")

    @pytest.fixture
    def connection_timeout_seconds(self) -> float:
        """The connector's connection timeout (the gateway's default is 10 s)."""
        return 10.0

    @pytest.fixture
    def retry_deadline_seconds(self) -> float:
        """How long a connection may take to notice that its server came back."""
        return 30.0

    @pytest.fixture
    def advance_time(self) -> AdvanceTime:
        return let_real_time_pass

    @pytest.fixture
    def tool_context(self) -> ToolContext:
        return ToolContext(execution_id="exec-contract", agent_id="agent-contract", user_id="u1")

    @pytest.fixture
    async def opened(self) -> AsyncIterator[list[McpServerConnection]]:
        """Connections a case makes, closed after it."""
        connections: list[McpServerConnection] = []
        yield connections
        for connection in connections:
            await connection.aclose()

    @pytest.fixture
    def connect(self, connector: McpConnector, opened: list[McpServerConnection]) -> _Connect:
        def make(config: McpServerConfig) -> McpServerConnection:
            connection = connector.connection(config)
            opened.append(connection)
            return connection

        return make

    # ---------------------------------------------------------------- validate

    async def test_validate_returns_none_for_a_valid_config(
        self,
        connector: McpConnector,
        reachable_config: McpServerConfig,
        unreachable_config: McpServerConfig,
    ) -> None:
        connector.validate(reachable_config)  # does not raise
        connector.validate(unreachable_config)  # being unreachable is no config problem

    async def test_validate_raises_config_error_naming_every_problem(
        self, connector: McpConnector, invalid_configs: Sequence[InvalidMcpConfig]
    ) -> None:
        assert invalid_configs, "invalid_configs must hold at least one config"
        for invalid in invalid_configs:
            with pytest.raises(ConfigError) as raised:
                connector.validate(invalid.config)
            message = str(raised.value).lower()
            missing = [word for word in invalid.problems if word.lower() not in message]
            assert not missing, f"{raised.value} does not name {missing}"

    # ---------------------------------------------------------------- connection

    async def test_connection_is_a_tool_provider_named_after_the_config(
        self, connect: _Connect, reachable_config: McpServerConfig
    ) -> None:
        connection = connect(reachable_config)
        assert isinstance(connection, McpServerConnection)
        assert isinstance(connection, ToolProvider)
        assert connection.name == reachable_config.name

    async def test_connection_is_not_started(
        self, connect: _Connect, reachable_config: McpServerConfig
    ) -> None:
        status = connect(reachable_config).status()
        assert status.connected is False
        assert status.tool_count == 0

    async def test_connection_of_an_unreachable_server_does_not_connect_yet(
        self, connect: _Connect, unreachable_config: McpServerConfig
    ) -> None:
        connection = connect(unreachable_config)
        assert connection.name == unreachable_config.name
        assert connection.status().connected is False

    async def test_connection_of_an_invalid_config_raises_config_error(
        self, connector: McpConnector, invalid_configs: Sequence[InvalidMcpConfig]
    ) -> None:
        for invalid in invalid_configs:
            with pytest.raises(ConfigError):
                connector.connection(invalid.config)

    # ---------------------------------------------------------------- start, status

    async def test_start_connects_and_lists_the_tools(
        self, connect: _Connect, reachable_config: McpServerConfig, known_tool: ToolCallSpec
    ) -> None:
        connection = connect(reachable_config)
        await connection.start()
        status = connection.status()
        tools = await connection.list_tools()
        names = [spec.name for spec in tools]
        assert status.connected is True
        assert status.tool_count == len(tools)
        assert len(names) == len(set(names))
        assert known_tool[0] in names

    async def test_status_of_a_connected_server_has_no_error(
        self, connect: _Connect, reachable_config: McpServerConfig
    ) -> None:
        connection = connect(reachable_config)
        await connection.start()
        status = connection.status()
        assert (status.connected, status.error) == (True, None)
        assert status.connected_since is None or status.connected_since.utcoffset() is not None

    async def test_start_waits_at_most_the_connection_timeout(
        self,
        connect: _Connect,
        unreachable_config: McpServerConfig,
        connection_timeout_seconds: float,
    ) -> None:
        connection = connect(unreachable_config)
        await asyncio.wait_for(connection.start(), timeout=connection_timeout_seconds * 1.5 + 1)

    async def test_start_never_raises_for_an_unreachable_server_and_status_tells_why(
        self, connect: _Connect, unreachable_config: McpServerConfig
    ) -> None:
        connection = connect(unreachable_config)
        await connection.start()  # does not raise
        status = connection.status()
        assert status.connected is False
        assert status.tool_count == 0
        assert isinstance(status.error, str)
        assert status.error

    async def test_an_unreachable_server_is_retried_in_the_background(
        self,
        connect: _Connect,
        reachable_config: McpServerConfig,
        known_tool: ToolCallSpec,
        server_switch: ServerSwitch,
        retry_deadline_seconds: float,
        advance_time: AdvanceTime,
    ) -> None:
        await server_switch.down()
        connection = connect(reachable_config)
        await connection.start()
        assert connection.status().connected is False
        assert connection.status().error

        await server_switch.up()
        waited = 0.0
        while not connection.status().connected:
            assert waited < retry_deadline_seconds, "the connection never came back"
            await advance_time(0.1)
            waited += 0.1

        assert connection.status().error is None
        assert known_tool[0] in {spec.name for spec in await connection.list_tools()}

    async def test_refresh_reconnects_now_and_lists_the_tools_again(
        self, connect: _Connect, reachable_config: McpServerConfig, known_tool: ToolCallSpec
    ) -> None:
        connection = connect(reachable_config)
        await connection.start()
        await connection.refresh()
        status = connection.status()
        assert status.connected is True
        assert status.tool_count == len(await connection.list_tools())
        assert known_tool[0] in {spec.name for spec in await connection.list_tools()}

    async def test_refresh_reconnects_at_once_when_the_server_is_back(
        self,
        connect: _Connect,
        reachable_config: McpServerConfig,
        server_switch: ServerSwitch,
    ) -> None:
        await server_switch.down()
        connection = connect(reachable_config)
        await connection.start()
        await server_switch.up()
        await connection.refresh()
        assert connection.status().connected is True  # now, not at the next retry

    # ---------------------------------------------------------------- as a ToolProvider

    async def test_call_tool_returns_a_json_serialisable_result(
        self,
        connect: _Connect,
        reachable_config: McpServerConfig,
        known_tool: ToolCallSpec,
        tool_context: ToolContext,
    ) -> None:
        connection = connect(reachable_config)
        await connection.start()
        name, arguments = known_tool
        json.dumps(await connection.call_tool(name, arguments, tool_context))

    async def test_call_of_an_unknown_tool_raises_tool_not_found(
        self, connect: _Connect, reachable_config: McpServerConfig, tool_context: ToolContext
    ) -> None:
        connection = connect(reachable_config)
        await connection.start()
        with pytest.raises(ToolNotFoundError, match="no_such_tool"):
            await connection.call_tool("no_such_tool", {}, tool_context)

    async def test_call_on_an_unreachable_server_raises_backend_unavailable(
        self,
        connect: _Connect,
        unreachable_config: McpServerConfig,
        known_tool: ToolCallSpec,
        tool_context: ToolContext,
    ) -> None:
        connection = connect(unreachable_config)
        await connection.start()
        name, arguments = known_tool
        with pytest.raises(BackendUnavailableError):
            await connection.call_tool(name, arguments, tool_context)

    async def test_aclose_releases_the_connection_and_twice_is_harmless(
        self, connect: _Connect, reachable_config: McpServerConfig
    ) -> None:
        connection = connect(reachable_config)
        await connection.start()
        await connection.aclose()
        await connection.aclose()
        assert connection.status().connected is False

    async def test_aclose_of_a_connection_never_started_is_harmless(
        self, connect: _Connect, unreachable_config: McpServerConfig
    ) -> None:
        connection = connect(unreachable_config)
        await connection.aclose()
        await connection.aclose()

    # ---------------------------------------------------------------- probe

    async def test_probe_lists_the_tools(
        self,
        connector: McpConnector,
        reachable_config: McpServerConfig,
        known_tool: ToolCallSpec,
    ) -> None:
        tools = await connector.probe(reachable_config)
        assert all(isinstance(spec, ToolSpec) for spec in tools)
        names = [spec.name for spec in tools]
        assert len(names) == len(set(names))
        assert known_tool[0] in names

    async def test_probe_is_apart_from_a_running_connection(
        self,
        connector: McpConnector,
        connect: _Connect,
        reachable_config: McpServerConfig,
        known_tool: ToolCallSpec,
        tool_context: ToolContext,
    ) -> None:
        connection = connect(reachable_config)
        await connection.start()
        await connector.probe(reachable_config)
        await connector.probe(reachable_config)  # it disconnected: it can connect again
        assert connection.status().connected is True
        name, arguments = known_tool
        json.dumps(await connection.call_tool(name, arguments, tool_context))

    async def test_probe_of_an_unreachable_server_raises_backend_unavailable(
        self,
        connector: McpConnector,
        unreachable_config: McpServerConfig,
        connection_timeout_seconds: float,
    ) -> None:
        with pytest.raises(BackendUnavailableError):
            await asyncio.wait_for(
                connector.probe(unreachable_config), timeout=connection_timeout_seconds * 1.5 + 1
            )
