"""LiteLLMClient passes the LLMClient contract and the OpenAI HTTP client suite, over real HTTP."""

from __future__ import annotations

import pytest

from agent_gateway_litellm import LiteLLMClient
from agent_gateway_testing.contracts import (
    LLMClientContract,
    LLMHarness,
    OpenAIHTTPClientContract,
)
from agent_gateway_testing.contracts.openai_http_client import ClientFactory
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import MakeClient

pytestmark = pytest.mark.integration


class TestLiteLLMClientContract(LLMClientContract):
    @pytest.fixture
    async def llm_harness(self, server: FakeOpenAIServer, make_client: MakeClient) -> LLMHarness:
        client = make_client(max_retries=1)  # make_client closes it after the test
        # "fake-model" has no litellm price, so its cost is 0 as the contract expects.
        return LLMHarness(
            client=client, model="openai/fake-model", push=server.push, max_attempts=2
        )


class TestLiteLLMClientOverHTTP(OpenAIHTTPClientContract):
    @pytest.fixture
    def client_factory(self) -> ClientFactory:
        return LiteLLMClient
