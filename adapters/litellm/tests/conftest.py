"""Fixtures: a fake OpenAI server on 127.0.0.1 and LiteLLMClients pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from agent_gateway_litellm import LiteLLMClient
from agent_gateway_testing.fake_openai import FakeOpenAIServer

MakeClient = Callable[..., LiteLLMClient]


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as running:
        yield running


@pytest.fixture
async def make_client(server: FakeOpenAIServer) -> AsyncIterator[MakeClient]:
    """Build LiteLLMClients for ``server`` with fast retries; all are closed afterwards."""
    clients: list[LiteLLMClient] = []

    def make(**options: Any) -> LiteLLMClient:
        settings: dict[str, Any] = {
            "api_base": server.base_url,
            "api_key": "sk-test",
            "timeout_seconds": 5.0,
            "max_retries": 2,
            "backoff_base_seconds": 0.01,
            "backoff_max_seconds": 0.05,
        }
        settings.update(options)
        client = LiteLLMClient(**settings)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
