"""Core messages and tools in the OpenAI chat-completions shape, and tool calls parsed back."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from agent_gateway_core.domain.messages import Message, Role, ToolCall
from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.ports.llm_client import LLMRequest


def to_openai_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Messages in the OpenAI shape: tool-call arguments as JSON text, tool results by id."""
    return [_to_openai_message(message) for message in messages]


def _to_openai_message(message: Message) -> dict[str, Any]:
    role = message.role
    if role is Role.TOOL:
        return {
            "role": "tool",
            "tool_call_id": message.tool_call_id,
            "content": message.content or "",
        }
    converted: dict[str, Any] = {"role": role.value, "content": message.content}
    if message.tool_calls:
        converted["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for call in message.tool_calls
        ]
    if message.name:
        converted["name"] = message.name
    return converted


def to_openai_tools(tools: Sequence[ToolSpec]) -> list[dict[str, Any]]:
    """Tool specs as OpenAI ``function`` tools."""
    return [
        {
            "type": "function",
            "function": {
                "name": tool.name,
                "description": tool.description,
                "parameters": tool.parameters,
            },
        }
        for tool in tools
    ]


def response_format(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """The ``response_format`` asking for JSON that matches ``schema``.

    ``strict`` stays off: strict mode rejects common schemas (optional fields, open objects);
    the engine validates the answer against the schema itself.
    """
    return {
        "type": "json_schema",
        "json_schema": {"name": name, "schema": schema, "strict": False},
    }


def request_options(request: LLMRequest) -> dict[str, Any]:
    """The optional chat-completions fields ``request`` sets: temperature, max_tokens, schema."""
    options: dict[str, Any] = {}
    if request.temperature is not None:
        options["temperature"] = request.temperature
    if request.max_tokens is not None:
        options["max_tokens"] = request.max_tokens
    if request.response_schema is not None:
        options["response_format"] = response_format(
            request.response_schema, request.response_schema_name
        )
    return options


def parse_tool_call(call_id: str | None, name: str, arguments: str | None) -> ToolCall:
    """A tool call with parsed arguments; anything but a JSON object sets ``arguments_error``."""
    call_id = call_id or f"call_{uuid.uuid4().hex[:24]}"
    # Models send "" (or nothing) for a tool without parameters: that is an empty object.
    if arguments is None or not arguments.strip():
        return ToolCall(id=call_id, name=name)
    try:
        parsed = json.loads(arguments)
    except ValueError as exc:
        error = f"tool call arguments are not valid JSON: {exc}"
    else:
        if isinstance(parsed, dict):
            return ToolCall(id=call_id, name=name, arguments=parsed)
        error = f"tool call arguments must be a JSON object, got {type(parsed).__name__}"
    return ToolCall(id=call_id, name=name, arguments={}, arguments_error=error)


def usage_of(model: str, input_tokens: int, output_tokens: int, cost_usd: float | None) -> Usage:
    """Usage of one call; an unknown cost counts as 0."""
    return Usage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost_usd=cost_usd or 0.0,
        llm_calls=1,
        models_used=(model,),
    )
