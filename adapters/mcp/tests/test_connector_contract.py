"""SdkMcpConnector passes the core McpConnector contract over streamable HTTP, with the
server taken down and brought back. (It hands connections to McpToolProvider, whose stdio
behaviour test_contract and test_stdio_supervision cover.)"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import pytest

from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_mcp import SdkMcpConnector
from agent_gateway_testing.contracts import InvalidMcpConfig, McpConnectorContract
from agent_gateway_testing.contracts.tool_provider import ToolCallSpec
from agent_gateway_testing.mcp_server import McpServerProcess

from .support import free_port

pytestmark = pytest.mark.integration

CONNECTION_TIMEOUT = 5.0


def _config(**fields: object) -> McpServerConfig:
    now = datetime.now(UTC)
    return McpServerConfig.model_validate(
        {"id": "bad", "name": "bad", "created_at": now, "updated_at": now, **fields}
    )


class _Contract(McpConnectorContract):
    @pytest.fixture
    def connector(self) -> SdkMcpConnector:
        return SdkMcpConnector(
            tool_call_timeout=10, connection_timeout=CONNECTION_TIMEOUT, max_backoff=0.3
        )

    @pytest.fixture
    def connection_timeout_seconds(self) -> float:
        return CONNECTION_TIMEOUT

    @pytest.fixture
    def known_tool(self) -> ToolCallSpec:
        return ("add", {"a": 1, "b": 2})

    @pytest.fixture
    def invalid_configs(self) -> Sequence[InvalidMcpConfig]:
        return [
            InvalidMcpConfig(
                config=_config(transport="stdio", credentials={"bearer_token": "t"}),
                problems=("command", "credentials"),
            ),
            InvalidMcpConfig(
                config=_config(
                    transport="streamable_http", url="ftp://x", credentials={"auth_type": "magic"}
                ),
                problems=("url", "auth_type"),
            ),
            InvalidMcpConfig(
                config=_config(transport="sse", url="http://x"), problems=("transport",)
            ),
        ]


class _Switch:
    def __init__(self, server: McpServerProcess) -> None:
        self._server = server

    async def down(self) -> None:
        await self._server.kill()

    async def up(self) -> None:
        await self._server.start()


class TestStreamableHttp(_Contract):
    @pytest.fixture
    async def server(
        self, request: pytest.FixtureRequest, http_server: McpServerProcess
    ) -> AsyncIterator[McpServerProcess]:
        """The shared server, or one of the test's own when the test takes it down."""
        if "server_switch" not in request.fixturenames:
            yield http_server
            return
        async with McpServerProcess() as server:
            yield server

    @pytest.fixture
    def reachable_config(self, server: McpServerProcess) -> McpServerConfig:
        return server.config("contract")

    @pytest.fixture
    def unreachable_config(self) -> McpServerConfig:
        return _config(
            name="nowhere", transport="streamable_http", url=f"http://127.0.0.1:{free_port()}/mcp"
        )

    @pytest.fixture
    def server_switch(self, server: McpServerProcess) -> _Switch:
        return _Switch(server)
