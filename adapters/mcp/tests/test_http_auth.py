"""Credentials of streamable-HTTP servers: bearer token, API key, OAuth2 client credentials,
and a token provider, which takes precedence."""

from __future__ import annotations

import asyncio

import pytest

from agent_gateway_core.domain.tool import ToolContext
from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_mcp import McpAuthError
from agent_gateway_mcp.config import OAuth2Settings
from agent_gateway_mcp.oauth2 import OAuth2ClientCredentials
from agent_gateway_testing.mcp_server import McpServerProcess

from .support import GOOD_KEY, GOOD_TOKEN, OAUTH_TOKENS, MakeProvider
from .token_endpoint import CLIENT_ID, CLIENT_SECRET, TokenEndpoint

pytestmark = pytest.mark.integration


def oauth2_credentials(endpoint: TokenEndpoint, **extra: str) -> dict[str, str]:
    return {
        "auth_type": "oauth2_client_credentials",
        "token_url": endpoint.url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        **extra,
    }


class RecordingTokens:
    """An McpTokenProvider handing out one token and counting the requests it served."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls = 0

    async def get_token(self) -> str:
        self.calls += 1
        return self.token


async def test_a_bearer_token_is_sent(
    make_provider: MakeProvider, auth_server: McpServerProcess, context: ToolContext
) -> None:
    provider = await make_provider(auth_server.config(credentials={"bearer_token": GOOD_TOKEN}))

    assert provider.status().connected
    assert await provider.call_tool("whoami", {}, context) == {"scheme": "Bearer", "api_key": None}


async def test_a_refused_token_shows_as_an_auth_error_and_start_does_not_raise(
    make_provider: MakeProvider, auth_server: McpServerProcess, context: ToolContext
) -> None:
    provider = await make_provider(auth_server.config(credentials={"bearer_token": "wrong"}))

    status = provider.status()
    assert not status.connected
    assert "credentials were refused (HTTP 401)" in (status.error or "")
    with pytest.raises(McpAuthError, match="'test' has not listed its tools yet"):
        await provider.list_tools()
    with pytest.raises(BackendUnavailableError, match="HTTP 401"):
        await provider.call_tool("whoami", {}, context)


async def test_an_api_key_is_sent_in_x_api_key_by_default(
    make_provider: MakeProvider, auth_server: McpServerProcess, context: ToolContext
) -> None:
    provider = await make_provider(auth_server.config(credentials={"api_key": GOOD_KEY}))

    assert await provider.call_tool("whoami", {}, context) == {"scheme": None, "api_key": GOOD_KEY}


async def test_an_api_key_goes_in_the_header_named(
    make_provider: MakeProvider, context: ToolContext
) -> None:
    async with McpServerProcess(api_key_header="X-Custom-Key", api_keys=["k2"]) as server:
        credentials = {"api_key": "k2", "api_key_header": "X-Custom-Key"}
        provider = await make_provider(server.config(credentials=credentials))
        assert provider.status().connected, provider.status().error
        assert await provider.call_tool("add", {"a": 1, "b": 2}, context) == {"result": 3}
        await provider.aclose()


async def test_oauth2_tokens_are_fetched_once_and_reused(
    make_provider: MakeProvider,
    auth_server: McpServerProcess,
    token_endpoint: TokenEndpoint,
    context: ToolContext,
) -> None:
    credentials = oauth2_credentials(token_endpoint, scopes="tools:read tools:call")
    provider = await make_provider(auth_server.config(credentials=credentials))

    for _ in range(3):
        assert (await provider.call_tool("whoami", {}, context))["scheme"] == "Bearer"

    assert len(token_endpoint.requests) == 1
    assert token_endpoint.requests[0] == {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scope": "tools:read tools:call",
    }


async def test_oauth2_tokens_are_refreshed_before_they_expire(
    make_provider: MakeProvider,
    auth_server: McpServerProcess,
    token_endpoint: TokenEndpoint,
    context: ToolContext,
) -> None:
    token_endpoint.expires_in = 1.0  # refreshed once less than half of it remains
    provider = await make_provider(
        auth_server.config(credentials=oauth2_credentials(token_endpoint))
    )
    assert await provider.call_tool("add", {"a": 1, "b": 1}, context) == {"result": 2}
    fetched = len(token_endpoint.requests)

    await asyncio.sleep(0.6)

    assert await provider.call_tool("add", {"a": 2, "b": 2}, context) == {"result": 4}
    assert len(token_endpoint.requests) == fetched + 1


async def test_concurrent_callers_share_one_token_request(token_endpoint: TokenEndpoint) -> None:
    token_endpoint.delay = 0.2
    settings = OAuth2Settings(
        token_url=token_endpoint.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    tokens = OAuth2ClientCredentials(settings, server_name="shared")

    got = await asyncio.gather(*(tokens.get_token() for _ in range(10)))

    assert set(got) == {OAUTH_TOKENS[0]}
    assert len(token_endpoint.requests) == 1


async def test_a_failing_token_endpoint_is_an_auth_error_naming_the_server(
    make_provider: MakeProvider,
    auth_server: McpServerProcess,
    token_endpoint: TokenEndpoint,
    context: ToolContext,
) -> None:
    token_endpoint.fail_with = 503
    provider = await make_provider(
        auth_server.config("crm", credentials=oauth2_credentials(token_endpoint))
    )

    error = provider.status().error or ""
    assert "OAuth2 token request of MCP server 'crm'" in error
    assert "HTTP 503 (server_error)" in error
    with pytest.raises(McpAuthError):
        await provider.call_tool("whoami", {}, context)

    token_endpoint.fail_with = None  # the endpoint recovers: the background retry connects
    await provider.refresh()
    assert provider.status().connected, provider.status().error


async def test_wrong_client_credentials_are_an_auth_error(
    make_provider: MakeProvider, auth_server: McpServerProcess, token_endpoint: TokenEndpoint
) -> None:
    credentials = oauth2_credentials(token_endpoint) | {"client_secret": "nope"}
    provider = await make_provider(auth_server.config(credentials=credentials))

    assert "HTTP 401 (invalid_client)" in (provider.status().error or "")


async def test_a_token_provider_takes_precedence_over_credentials(
    make_provider: MakeProvider, auth_server: McpServerProcess, context: ToolContext
) -> None:
    tokens = RecordingTokens(GOOD_TOKEN)
    config = auth_server.config(credentials={"bearer_token": "wrong"})
    provider = await make_provider(config, token_provider=tokens)

    assert provider.status().connected, provider.status().error
    before = tokens.calls
    assert (await provider.call_tool("whoami", {}, context))["scheme"] == "Bearer"
    assert tokens.calls > before  # asked again for each request


async def test_a_failing_token_provider_is_an_auth_error(
    make_provider: MakeProvider, auth_server: McpServerProcess
) -> None:
    class Broken:
        async def get_token(self) -> str:
            raise RuntimeError("vault sealed")

    provider = await make_provider(auth_server.config("vaulted"), token_provider=Broken())

    assert "the token provider of MCP server 'vaulted' failed: RuntimeError: vault sealed" in (
        provider.status().error or ""
    )
