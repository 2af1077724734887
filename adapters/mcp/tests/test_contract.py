"""McpToolProvider passes the ToolProvider contract over stdio and streamable HTTP, with
servers speaking the 2026 protocol and 2025-era (``initialize`` handshake) servers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_mcp import McpToolProvider
from agent_gateway_testing.contracts import ToolProviderContract
from agent_gateway_testing.contracts._required import fixture_required
from agent_gateway_testing.contracts.tool_provider import ToolCallSpec
from agent_gateway_testing.mcp_server import McpServerProcess, stdio_server_config

pytestmark = pytest.mark.integration


class _McpContract(ToolProviderContract):
    @pytest.fixture
    def server_config(self) -> McpServerConfig:
        fixture_required(self, "server_config")

    @pytest.fixture
    async def tool_provider(self, server_config: McpServerConfig) -> AsyncIterator[McpToolProvider]:
        provider = McpToolProvider(server_config, initial_backoff=0.05, max_backoff=0.2)
        await provider.start()
        assert provider.status().connected, provider.status().error
        yield provider
        await provider.aclose()

    @pytest.fixture
    def working_call(self) -> ToolCallSpec:
        return ("add", {"a": 2, "b": 3})

    @pytest.fixture
    def failing_call(self) -> ToolCallSpec:
        return ("fail", {"message": "disk on fire"})


class TestStdio(_McpContract):
    @pytest.fixture
    def server_config(self) -> McpServerConfig:
        return stdio_server_config("stdio")


class TestStdioLegacyServer(_McpContract):
    @pytest.fixture
    def server_config(self) -> McpServerConfig:
        return stdio_server_config("stdio_legacy", legacy=True)


class TestStreamableHttp(_McpContract):
    @pytest.fixture
    def server_config(self, http_server: McpServerProcess) -> McpServerConfig:
        return http_server.config("http")


class TestStreamableHttpLegacyServer(_McpContract):
    @pytest.fixture
    def server_config(self, legacy_http_server: McpServerProcess) -> McpServerConfig:
        return legacy_http_server.config("http_legacy")
