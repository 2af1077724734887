"""OAuth2 client credentials against a local token endpoint issuing short-lived JWTs, and a
real gateway that checks them (its JWKS is the token server's), both clients."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from agent_gateway_client import AuthenticationError

from ._served import ServedGateway, serve
from ._token_server import AUDIENCE, CLIENT_ID, CLIENT_SECRET, TokenServer
from .conftest import MakeClient

pytestmark = pytest.mark.integration

SCOPE = "agents:read agents:invoke executions:read"


@pytest.fixture(scope="module")
def oauth_gateway(served: ServedGateway) -> Iterator[tuple[str, TokenServer]]:
    """A gateway over the session's workspace that takes the token server's JWTs."""
    from agent_gateway import Gateway

    with TokenServer().running_in_thread() as tokens:
        gateway = Gateway(workspace=served.workspace).use_oauth2(tokens.url, AUDIENCE)
        with serve(gateway) as url:
            yield url, tokens


@pytest.fixture
def tokens(oauth_gateway: tuple[str, TokenServer]) -> TokenServer:
    server = oauth_gateway[1]
    server.lifetime, server.bad_tokens, server.delay_seconds = 300, 0, 0.0
    server.requests.clear()
    server.issued.clear()
    return server


@pytest.fixture
def oauth_client(
    make_client: MakeClient, oauth_gateway: tuple[str, TokenServer], tokens: TokenServer
) -> Any:
    def make(**settings: Any) -> Any:
        settings.setdefault("client_secret", CLIENT_SECRET)
        return make_client(
            base_url=oauth_gateway[0],
            api_key=None,
            token_url=tokens.token_url,
            client_id=CLIENT_ID,
            scope=SCOPE,
            **settings,
        )

    return make


async def test_a_token_is_fetched_once_and_reused(oauth_client: Any, tokens: TokenServer) -> None:
    client = oauth_client()

    await client.agents.list()
    result = await client.agents.invoke("assistant", "with a token")
    await client.executions.get(result.execution_id)

    assert len(tokens.requests) == 1
    assert tokens.requests[0] == {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scope": SCOPE,
    }


async def test_concurrent_callers_share_one_fetch(oauth_client: Any, tokens: TokenServer) -> None:
    tokens.delay_seconds = 0.2
    client = oauth_client()

    pages = await asyncio.gather(*(client.agents.list() for _ in range(8)))

    assert all(len(page) > 0 for page in pages)
    assert len(tokens.requests) == 1


async def test_a_token_is_fetched_again_before_it_expires(
    oauth_client: Any, tokens: TokenServer
) -> None:
    tokens.lifetime = 31  # 30 s is the margin: this one is fresh for 1 s
    client = oauth_client()

    await client.agents.list()
    await client.agents.list()
    fetched_before = len(tokens.requests)
    await asyncio.sleep(1.1)
    await client.agents.list()

    assert fetched_before == 1
    assert len(tokens.requests) == 2


async def test_a_rejected_token_is_refreshed_once_and_the_call_succeeds(
    oauth_client: Any, tokens: TokenServer
) -> None:
    tokens.bad_tokens = 1  # the gateway answers 401 to the first token
    client = oauth_client()

    page = await client.agents.list()

    assert len(page) > 0
    assert len(tokens.requests) == 2


async def test_a_token_rejected_after_the_refresh_is_an_authentication_error(
    oauth_client: Any, tokens: TokenServer
) -> None:
    tokens.bad_tokens = 2
    client = oauth_client()

    with pytest.raises(AuthenticationError) as caught:
        await client.agents.list()

    assert caught.value.status_code == 401
    assert len(tokens.requests) == 2  # one refresh per call, not a loop


async def test_a_client_the_token_endpoint_refuses_is_an_authentication_error(
    oauth_client: Any, tokens: TokenServer
) -> None:
    client = oauth_client(client_secret="wrong")

    with pytest.raises(AuthenticationError) as caught:
        await client.agents.list()

    assert (caught.value.status_code, caught.value.code) == (401, "invalid_client")
    assert "unknown client" in caught.value.message
