"""The gateway's wrapper LLMClients pass the LLMClient contract, over real HTTP.

Each wrapper holds real LiteLLMClients talking to a FakeOpenAIServer. A client that must not
be used (a route not taken) points at a port that refuses connections, so a request sent the
wrong way fails the test instead of being answered.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from agent_gateway.composition.llm import (
    LOCAL_PREFIX,
    OPENAI_COMPAT_PREFIX,
    LazyLLMClient,
    LocalEndpoint,
    LocalModelClient,
    RoutingLLMClient,
)
from agent_gateway_core.ports.llm_client import LLMClient
from agent_gateway_litellm import LiteLLMClient
from agent_gateway_testing.contracts import LLMClientContract, LLMHarness, fast_retrying_clients
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.integration

MakeClient = Callable[..., LiteLLMClient]

# "fake-model" has no litellm price, so its cost is 0 as the contract expects.
_MODEL = "openai/fake-model"


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as running:
        yield running


@pytest.fixture
async def make_client(server: FakeOpenAIServer) -> AsyncIterator[MakeClient]:
    """LiteLLMClients for ``server`` with one quick retry; all are closed after the test."""
    async with fast_retrying_clients(LiteLLMClient, server) as make:

        def make_one(**options: object) -> LiteLLMClient:
            return make(**{"max_retries": 1, **options})

        yield make_one


@pytest.fixture
def refused_base_url() -> Iterator[str]:
    """An ``api_base`` on a port bound but not listening: every connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def _harness(client: LLMClient, model: str, server: FakeOpenAIServer) -> LLMHarness:
    """The harness for ``client``; its inner clients retry once, so two attempts."""
    return LLMHarness(client=client, model=model, push=server.push, max_attempts=2)


class TestRoutingLLMClientPrefixRoute(LLMClientContract):
    """The model matches a prefix route; the default and the other route are never used."""

    @pytest.fixture
    async def llm_harness(
        self, server: FakeOpenAIServer, make_client: MakeClient, refused_base_url: str
    ) -> AsyncIterator[LLMHarness]:
        unused = make_client(api_base=refused_base_url)
        routes: dict[str, LLMClient] = {"openai/": make_client(), OPENAI_COMPAT_PREFIX: unused}
        client = RoutingLLMClient(unused, routes)
        yield _harness(client, _MODEL, server)
        await client.aclose()


class TestRoutingLLMClientDefaultRoute(LLMClientContract):
    """The model matches no prefix route, so the default client answers."""

    @pytest.fixture
    async def llm_harness(
        self, server: FakeOpenAIServer, make_client: MakeClient, refused_base_url: str
    ) -> AsyncIterator[LLMHarness]:
        unused = make_client(api_base=refused_base_url)
        routes: dict[str, LLMClient] = {LOCAL_PREFIX: unused, OPENAI_COMPAT_PREFIX: unused}
        client = RoutingLLMClient(make_client(), routes)
        yield _harness(client, _MODEL, server)
        await client.aclose()


class TestLazyLLMClient(LLMClientContract):
    @pytest.fixture
    async def llm_harness(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> AsyncIterator[LLMHarness]:
        client = LazyLLMClient(make_client)
        yield _harness(client, _MODEL, server)
        await client.aclose()


class TestLocalModelClient(LLMClientContract):
    """Asked for ``local/fake-model``; the endpoint sends it to the server as ``fake-model``.

    The inner client, like the gateway's, has no ``api_base`` or key of its own: both come
    from the endpoint. Responses name the model as asked (``local/...``).
    """

    @pytest.fixture
    async def llm_harness(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> AsyncIterator[LLMHarness]:
        async def endpoint() -> LocalEndpoint:
            return LocalEndpoint(server.base_url, "sk-local-process-key", "fake-model")

        client = LocalModelClient(make_client(api_base=None, api_key=None), endpoint)
        yield _harness(client, f"{LOCAL_PREFIX}fake-model", server)
        await client.aclose()
