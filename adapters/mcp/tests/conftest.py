"""Fixtures: the test MCP server (agent_gateway_testing.mcp_server) over stdio and over HTTP,
an OAuth2 token endpoint, and providers with short backoffs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from agent_gateway_core.domain.tool import ToolContext
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_mcp import McpToolProvider
from agent_gateway_testing.mcp_server import McpServerProcess

from .support import GOOD_KEY, GOOD_TOKEN, OAUTH_TOKENS, MakeProvider
from .token_endpoint import TokenEndpoint


@pytest.fixture(scope="session")
def http_server() -> Iterator[McpServerProcess]:
    """The test server over HTTP, shared: tests must not change it (no grow, no kill)."""
    with McpServerProcess().running_in_thread() as server:
        yield server


@pytest.fixture(scope="session")
def legacy_http_server() -> Iterator[McpServerProcess]:
    """The test server over HTTP, speaking only the 2025 protocol; shared."""
    with McpServerProcess(legacy=True).running_in_thread() as server:
        yield server


@pytest.fixture(scope="session")
def auth_server() -> Iterator[McpServerProcess]:
    """The test server over HTTP accepting ``GOOD_TOKEN``, the OAuth tokens and ``GOOD_KEY``."""
    tokens = [GOOD_TOKEN, *OAUTH_TOKENS]
    with McpServerProcess(bearer_tokens=tokens, api_keys=[GOOD_KEY]).running_in_thread() as server:
        yield server


@pytest.fixture
async def own_http_server() -> AsyncIterator[McpServerProcess]:
    """A test server of this test only (it may be killed, restarted or grown)."""
    async with McpServerProcess() as server:
        yield server


@pytest.fixture
async def token_endpoint() -> AsyncIterator[TokenEndpoint]:
    endpoint = TokenEndpoint(OAUTH_TOKENS)
    await endpoint.start()
    yield endpoint
    await endpoint.aclose()


@pytest.fixture
async def make_provider() -> AsyncIterator[MakeProvider]:
    """Builds and starts providers with short backoffs; closes them after the test."""
    made: list[McpToolProvider] = []

    async def make(config: McpServerConfig, **options: Any) -> McpToolProvider:
        options = {
            "initial_backoff": 0.05,
            "max_backoff": 0.2,
            "connection_timeout": 10.0,
        } | options
        provider = McpToolProvider(config, **options)
        made.append(provider)
        await provider.start()
        return provider

    yield make
    for provider in made:
        await provider.aclose()


@pytest.fixture
def context() -> ToolContext:
    return ToolContext(execution_id="exec-mcp", agent_id="agent-mcp")
