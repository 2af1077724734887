"""What OpenAICompatClient sends beyond the shared suite: model names, headers, cached tools.

(The OpenAI body itself: OpenAIHTTPClientContract in test_contract.py.)
"""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.messages import Message
from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.errors import LLMBadRequestError
from agent_gateway_core.ports.llm_client import LLMRequest
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import MakeClient

pytestmark = pytest.mark.integration

_WEATHER = ToolSpec(name="get_weather", description="Current weather in a city.")
_HI = (Message.user("hi"),)


@pytest.mark.parametrize(
    ("model", "sent_as"),
    [
        ("openai/gpt-test", "gpt-test"),
        ("openai_compat/gpt-test", "gpt-test"),
        ("openai_compat/meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B"),
        ("openai/openai/nested", "openai/nested"),
        ("plain-name", "plain-name"),
        ("ollama/llama3", "ollama/llama3"),
    ],
)
async def test_one_leading_route_prefix_is_removed_from_the_model(
    server: FakeOpenAIServer, make_client: MakeClient, model: str, sent_as: str
) -> None:
    response = await make_client().complete(LLMRequest(model=model, messages=_HI))

    assert server.requests[0].body["model"] == sent_as
    assert response.model == model, "the response keeps the requested name"
    assert response.usage.models_used == (model,)


async def test_unset_options_are_not_sent(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    await make_client().complete(LLMRequest(model="openai/m", messages=_HI))

    (sent,) = server.requests
    assert set(sent.body) == {"model", "messages"}


async def test_extra_options_are_merged_into_the_body_and_win(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    await make_client().complete(
        LLMRequest(
            model="openai/m",
            messages=_HI,
            temperature=0.9,
            extra={"seed": 7, "top_p": 0.5, "temperature": 0.1},
        )
    )

    body = server.requests[0].body
    assert (body["seed"], body["top_p"], body["temperature"]) == (7, 0.5, 0.1)


async def test_extra_tools_replace_the_request_tools(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    raw_tools = [{"type": "function", "function": {"name": "raw", "parameters": {}}}]

    await make_client().complete(
        LLMRequest(model="openai/m", messages=_HI, tools=(_WEATHER,), extra={"tools": raw_tools})
    )

    assert server.requests[0].body["tools"] == raw_tools


async def test_each_tool_list_is_sent_as_itself(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    client = make_client()
    time_tool = ToolSpec(name="get_time", description="Now.")
    first, second = (_WEATHER,), (time_tool, _WEATHER)

    for tools in (first, second, first, second):
        await client.complete(LLMRequest(model="openai/m", messages=_HI, tools=tools))

    sent = [[t["function"]["name"] for t in r.body["tools"]] for r in server.requests]
    assert sent == [["get_weather"], ["get_time", "get_weather"]] * 2


async def test_many_short_lived_tool_lists_are_each_sent_right(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    client = make_client()

    for n in range(80):  # more than the encoder caches: old entries give way, none go stale
        tools = (ToolSpec(name=f"tool_{n}"),)
        await client.complete(LLMRequest(model="openai/m", messages=_HI, tools=tools))

    names = [r.body["tools"][0]["function"]["name"] for r in server.requests]
    assert names == [f"tool_{n}" for n in range(80)]


async def test_extra_headers_go_with_every_call(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    client = make_client(extra_headers={"X-Tenant": "acme"})

    await client.complete(LLMRequest(model="openai/m", messages=_HI))
    _ = [e async for e in client.stream(LLMRequest(model="openai/m", messages=_HI))]

    assert [r.headers["X-Tenant"] for r in server.requests] == ["acme", "acme"]


async def test_without_a_key_no_authorization_is_sent(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    await make_client(api_key=None).complete(LLMRequest(model="openai/m", messages=_HI))

    assert "Authorization" not in server.requests[0].headers


async def test_request_api_base_serves_a_client_without_one(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    client = make_client(api_base=None)

    response = await client.complete(
        LLMRequest(model="openai/m", messages=_HI, api_base=server.base_url + "/")
    )

    assert response.content == "echo: hi"


async def test_no_api_base_anywhere_is_a_bad_request(make_client: MakeClient) -> None:
    client = make_client(api_base=None)
    request = LLMRequest(model="openai_compat/m", messages=_HI)

    with pytest.raises(LLMBadRequestError, match="no api_base") as caught:
        await client.complete(request)
    with pytest.raises(LLMBadRequestError, match="no api_base"):
        await anext(aiter(client.stream(request)))

    assert caught.value.model == "openai_compat/m"
