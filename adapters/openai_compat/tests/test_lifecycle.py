"""Connections: one keep-alive pool per client, closed by aclose; costs from the price table."""

from __future__ import annotations

import pytest
from aiohttp import web

from agent_gateway_core.domain.messages import Message
from agent_gateway_core.ports.llm_client import LLMRequest, LLMResponse
from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_openai_compat import OpenAICompatClient
from agent_gateway_testing.fake_openai import FakeOpenAIServer, wire

from .conftest import MakeClient
from .raw_server import serving

pytestmark = pytest.mark.integration

_REQUEST = LLMRequest(model="openai_compat/m", messages=(Message.user("hi"),))


async def test_closing_a_client_that_never_called_is_harmless(make_client: MakeClient) -> None:
    client = make_client()

    await client.aclose()
    await client.aclose()

    with pytest.raises(RuntimeError, match="closed"):
        await client.complete(_REQUEST)


async def test_sequential_calls_reuse_one_connection() -> None:
    peers: list[object] = []

    async def handler(request: web.Request) -> web.Response:
        await request.read()
        assert request.transport is not None
        peers.append(request.transport.get_extra_info("peername"))
        if (await request.json()).get("stream"):
            body = wire.stream_body(
                ScriptedReply(content="s"), "m", include_usage=True, chunk_chars=4
            )
            return web.Response(body=body, content_type="text/event-stream")
        return web.Response(
            body=wire.completion_body(ScriptedReply(content="c"), "m"),
            content_type="application/json",
        )

    client = OpenAICompatClient(max_retries=0)
    async with serving(handler) as api_base:
        request = LLMRequest(model="m", messages=_REQUEST.messages, api_base=api_base)
        for _ in range(3):
            await client.complete(request)
            _ = [e async for e in client.stream(request)]
    await client.aclose()

    assert len(peers) == 6
    assert len(set(peers)) == 1, f"expected one kept-alive connection, saw {len(set(peers))}"


@pytest.mark.parametrize("key", ["openai_compat/m", "m"])
@pytest.mark.parametrize("streamed", [False, True])
async def test_a_priced_model_costs_its_tokens(
    server: FakeOpenAIServer, make_client: MakeClient, key: str, streamed: bool
) -> None:
    server.push(ScriptedReply(content="priced", input_tokens=1000, output_tokens=500))
    client = make_client(prices={key: (0.000001, 0.000004)})

    if streamed:
        *_, final = [e async for e in client.stream(_REQUEST)]
        assert isinstance(final, LLMResponse)
        response = final
    else:
        response = await client.complete(_REQUEST)

    assert response.usage.cost_usd == pytest.approx(1000 * 0.000001 + 500 * 0.000004)


async def test_a_model_missing_from_the_prices_costs_zero(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    client = make_client(prices={"other": (1.0, 1.0)})

    response = await client.complete(_REQUEST)

    assert response.usage.cost_usd == 0.0
