"""Failures specific to this client: what its errors say, and how it lets go of a request.

(Retries, backoff, Retry-After and cancellation: OpenAIHTTPClientContract in test_contract.py.)
"""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.messages import Message
from agent_gateway_core.errors import LLMBadRequestError, LLMConnectionError, LLMTimeoutError
from agent_gateway_core.ports.llm_client import LLMRequest, TextDelta
from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import MakeClient

pytestmark = pytest.mark.integration

_REQUEST = LLMRequest(model="openai/fake-model", messages=(Message.user("hi"),))


async def test_a_408_is_a_retried_timeout(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(status=408), ScriptedReply(status=408, error_message="slow"))

    with pytest.raises(LLMTimeoutError, match="408: slow") as caught:
        await make_client(max_retries=1).complete(_REQUEST)

    assert caught.value.status_code == 408
    assert len(server.requests) == 2


async def test_a_timeout_says_how_long_it_waited(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(hang=True))
    request = LLMRequest(model="openai/m", messages=_REQUEST.messages, timeout_seconds=0.2)

    with pytest.raises(LLMTimeoutError, match=r"timed out after 0\.2 s") as caught:
        await make_client(max_retries=0).complete(request)

    assert isinstance(caught.value.__cause__, TimeoutError)


async def test_an_unreachable_server_is_named_in_the_error(make_client: MakeClient) -> None:
    async with FakeOpenAIServer() as gone:
        dead_base = gone.base_url
    client = make_client(api_base=dead_base, max_retries=0)

    with pytest.raises(LLMConnectionError, match="cannot reach the model server") as caught:
        await client.complete(_REQUEST)
    with pytest.raises(LLMConnectionError, match="cannot reach the model server"):
        await anext(aiter(client.stream(_REQUEST)))

    assert dead_base in str(caught.value)


async def test_an_api_base_that_is_not_a_url_is_a_bad_request(make_client: MakeClient) -> None:
    client = make_client(api_base="not a url")

    with pytest.raises(LLMBadRequestError, match="api_base is not a valid URL"):
        await client.complete(_REQUEST)


async def test_closing_a_stream_early_closes_the_http_request(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(content="one two three four five"))
    client = make_client()

    stream = client.stream(_REQUEST)
    first = await anext(aiter(stream))
    await stream.aclose()
    server.push(ScriptedReply(content="next"))
    response = await client.complete(_REQUEST)

    assert isinstance(first, TextDelta)
    assert response.content == "next"
