"""Core messages and tools in the OpenAI wire shape, and tool-call arguments parsed back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agent_gateway_core.domain.messages import Message, ToolCall
from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.llm.openai_wire import (
    parse_tool_call,
    request_options,
    response_format,
    to_openai_messages,
    to_openai_tools,
    usage_of,
)
from agent_gateway_core.ports.llm_client import LLMRequest

pytestmark = pytest.mark.unit


def test_messages_take_the_openai_shape() -> None:
    call = ToolCall(id="call_1", name="get_weather", arguments={"city": "Paris"})

    converted = to_openai_messages(
        [
            Message.system("Be brief."),
            Message.user("Weather?"),
            Message.assistant(None, (call,)),
            Message.tool("call_1", "get_weather", '{"sky": "clear"}'),
        ]
    )

    assert converted[:2] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Weather?"},
    ]
    assistant, tool = converted[2:]
    assert assistant["content"] is None
    (sent,) = assistant["tool_calls"]
    assert (sent["id"], sent["type"], sent["function"]["name"]) == (
        "call_1",
        "function",
        "get_weather",
    )
    assert json.loads(sent["function"]["arguments"]) == {"city": "Paris"}
    assert tool == {"role": "tool", "tool_call_id": "call_1", "content": '{"sky": "clear"}'}


def test_a_named_message_keeps_its_name() -> None:
    (converted,) = to_openai_messages([Message(role="user", content="hi", name="ada")])

    assert converted == {"role": "user", "content": "hi", "name": "ada"}


def test_tools_become_function_tools() -> None:
    spec = ToolSpec(name="lookup", description="Look it up.", parameters={"type": "object"})

    assert to_openai_tools([spec]) == [
        {
            "type": "function",
            "function": {
                "name": "lookup",
                "description": "Look it up.",
                "parameters": {"type": "object"},
            },
        }
    ]


def test_response_format_asks_for_a_non_strict_json_schema() -> None:
    schema = {"type": "object"}

    assert response_format(schema, "verdict") == {
        "type": "json_schema",
        "json_schema": {"name": "verdict", "schema": schema, "strict": False},
    }


def test_request_options_hold_only_what_the_request_sets() -> None:
    bare = LLMRequest(model="m", messages=())
    full = LLMRequest(
        model="m",
        messages=(),
        temperature=0.0,
        max_tokens=10,
        response_schema={"type": "object"},
        response_schema_name="out",
    )

    assert request_options(bare) == {}
    assert request_options(full) == {
        "temperature": 0.0,
        "max_tokens": 10,
        "response_format": response_format({"type": "object"}, "out"),
    }


@pytest.mark.parametrize(
    ("arguments", "parsed", "problem"),
    [
        ('{"a": 1}', {"a": 1}, None),
        ("", {}, None),
        ("  ", {}, None),
        (None, {}, None),
        ("{broken", {}, "not valid JSON"),
        ("[1]", {}, "must be a JSON object, got list"),
        ("null", {}, "must be a JSON object, got NoneType"),
    ],
)
def test_tool_call_arguments_are_parsed_or_reported(
    arguments: str | None, parsed: dict[str, Any], problem: str | None
) -> None:
    call = parse_tool_call("call_1", "lookup", arguments)

    assert call.arguments == parsed
    if problem is None:
        assert call.arguments_error is None
    else:
        assert call.arguments_error is not None
        assert problem in call.arguments_error


def test_a_tool_call_without_id_gets_a_unique_one() -> None:
    first = parse_tool_call(None, "lookup", "{}")
    second = parse_tool_call(None, "lookup", "{}")

    assert first.id.startswith("call_")
    assert first.id != second.id


def test_usage_of_one_call_counts_an_unknown_cost_as_zero() -> None:
    usage = usage_of("openai/m", 12, 3, None)

    assert (usage.input_tokens, usage.output_tokens, usage.cost_usd) == (12, 3, 0.0)
    assert (usage.llm_calls, usage.models_used) == (1, ("openai/m",))
