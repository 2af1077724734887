"""What LiteLLMClient sends: the OpenAI request body and headers, as the server received them."""

from __future__ import annotations

import json

import pytest

from agent_gateway_core.domain.messages import Message, ToolCall
from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.ports.llm_client import LLMRequest, LLMResponse
from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import MakeClient

pytestmark = pytest.mark.integration

_WEATHER = ToolSpec(
    name="get_weather",
    description="Current weather in a city.",
    parameters={
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
)


async def test_model_options_tools_and_key_are_sent(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(content="ok"))

    await make_client().complete(
        LLMRequest(
            model="openai/gpt-test",
            messages=(Message.system("Be brief."), Message.user("Weather in Paris?")),
            tools=(_WEATHER,),
            temperature=0.3,
            max_tokens=64,
        )
    )

    (sent,) = server.requests
    assert sent.headers["Authorization"] == "Bearer sk-test"
    assert sent.body["model"] == "gpt-test"
    assert sent.body["temperature"] == 0.3
    assert sent.body["max_tokens"] == 64
    assert sent.body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Weather in Paris?"},
    ]
    assert sent.body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Current weather in a city.",
                "parameters": _WEATHER.parameters,
            },
        }
    ]
    assert "stream" not in sent.body or sent.body["stream"] is False


async def test_unset_options_are_not_sent(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    await make_client().complete(LLMRequest(model="openai/m", messages=(Message.user("hi"),)))

    (sent,) = server.requests
    for absent in ("temperature", "max_tokens", "tools", "response_format"):
        assert absent not in sent.body


async def test_tool_conversation_is_sent_in_the_openai_shape(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    call = ToolCall(id="call_1", name="get_weather", arguments={"city": "Paris"})

    await make_client().complete(
        LLMRequest(
            model="openai/m",
            messages=(
                Message.user("Weather in Paris?"),
                Message.assistant("Checking.", (call,)),
                Message.tool("call_1", "get_weather", '{"sky": "clear"}'),
            ),
        )
    )

    assistant, tool = server.requests[0].body["messages"][1:]
    assert assistant["role"] == "assistant"
    assert assistant["content"] == "Checking."
    (sent_call,) = assistant["tool_calls"]
    assert sent_call["id"] == "call_1"
    assert sent_call["type"] == "function"
    assert sent_call["function"]["name"] == "get_weather"
    assert json.loads(sent_call["function"]["arguments"]) == {"city": "Paris"}
    assert tool == {"role": "tool", "tool_call_id": "call_1", "content": '{"sky": "clear"}'}


async def test_response_schema_becomes_a_json_schema_response_format(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}}

    await make_client().complete(
        LLMRequest(
            model="openai/m",
            messages=(Message.user("hi"),),
            response_schema=schema,
            response_schema_name="verdict",
        )
    )

    assert server.requests[0].body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "verdict", "schema": schema, "strict": False},
    }


async def test_extra_options_are_passed_through(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    await make_client().complete(
        LLMRequest(
            model="openai/m", messages=(Message.user("hi"),), extra={"seed": 7, "top_p": 0.5}
        )
    )

    body = server.requests[0].body
    assert (body["seed"], body["top_p"]) == (7, 0.5)


async def test_request_api_base_and_key_override_the_client(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    async with FakeOpenAIServer() as other:
        await make_client().complete(
            LLMRequest(
                model="openai/m",
                messages=(Message.user("hi"),),
                api_base=other.base_url,
                api_key="sk-request",
            )
        )

    assert server.requests == []
    (sent,) = other.requests
    assert sent.headers["Authorization"] == "Bearer sk-request"


async def test_stream_asks_for_usage(server: FakeOpenAIServer, make_client: MakeClient) -> None:
    server.push(ScriptedReply(content="streamed", input_tokens=3, output_tokens=2))

    events = [
        e
        async for e in make_client().stream(
            LLMRequest(model="openai/m", messages=(Message.user("hi"),))
        )
    ]

    body = server.requests[0].body
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    final = events[-1]
    assert isinstance(final, LLMResponse)
    assert final.usage.input_tokens == 3
