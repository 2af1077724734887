"""LiteLLMClient passes the LLMClient contract over real HTTP against the fake OpenAI server."""

from __future__ import annotations

import pytest

from agent_gateway_testing.contracts import LLMClientContract, LLMHarness
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
