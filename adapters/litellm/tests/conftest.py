"""Fixtures: a fake OpenAI server on 127.0.0.1 and LiteLLMClients pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from agent_gateway_litellm import LiteLLMClient
from agent_gateway_testing.contracts import fast_retrying_clients
from agent_gateway_testing.fake_openai import FakeOpenAIServer

MakeClient = Callable[..., LiteLLMClient]


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as running:
        yield running


@pytest.fixture
async def make_client(server: FakeOpenAIServer) -> AsyncIterator[MakeClient]:
    """Build LiteLLMClients for ``server`` with fast retries; all are closed afterwards."""
    async with fast_retrying_clients(LiteLLMClient, server) as make:
        yield make
