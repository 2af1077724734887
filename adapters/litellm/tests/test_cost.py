"""Cost: litellm's price for known models, 0 for unknown ones, never an exception."""

from __future__ import annotations

import logging

import pytest

from agent_gateway_core.domain.messages import Message
from agent_gateway_core.ports.llm_client import LLMRequest, LLMResponse
from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_litellm.litellm_loader import load_litellm
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import MakeClient

pytestmark = pytest.mark.integration


def _expected_cost(model: str, input_tokens: int, output_tokens: int) -> float:
    prices = load_litellm().model_cost[model]
    return float(
        input_tokens * prices["input_cost_per_token"]
        + output_tokens * prices["output_cost_per_token"]
    )


@pytest.mark.parametrize("streamed", [False, True])
async def test_known_model_is_priced(
    server: FakeOpenAIServer, make_client: MakeClient, streamed: bool
) -> None:
    server.push(ScriptedReply(content="priced", input_tokens=1000, output_tokens=500))
    request = LLMRequest(model="openai/gpt-4o-mini", messages=(Message.user("hi"),))
    client = make_client()

    if streamed:
        *_, final = [e async for e in client.stream(request)]
        assert isinstance(final, LLMResponse)
        response = final
    else:
        response = await client.complete(request)

    expected = _expected_cost("gpt-4o-mini", 1000, 500)
    assert expected > 0
    assert response.usage.cost_usd == pytest.approx(expected)


@pytest.mark.parametrize("streamed", [False, True])
async def test_unknown_model_costs_zero_without_warnings(
    server: FakeOpenAIServer,
    make_client: MakeClient,
    caplog: pytest.LogCaptureFixture,
    streamed: bool,
) -> None:
    server.push(ScriptedReply(content="free"))
    request = LLMRequest(model="openai/no-such-model-xyz", messages=(Message.user("hi"),))
    client = make_client()

    with caplog.at_level(logging.WARNING):
        if streamed:
            *_, final = [e async for e in client.stream(request)]
            assert isinstance(final, LLMResponse)
            response = final
        else:
            response = await client.complete(request)

    assert response.usage.cost_usd == 0.0
    assert response.usage.input_tokens == 10
    assert [r.getMessage() for r in caplog.records] == []
