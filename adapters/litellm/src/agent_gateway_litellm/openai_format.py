"""Core messages and tools to OpenAI chat dicts (litellm's input), and litellm's output back."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agent_gateway_core.domain.messages import Message, Role, ToolCall
from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.ports.llm_client import LLMResponse


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


def response_from_completion(completion: Any, model: str) -> LLMResponse:
    """An :class:`LLMResponse` from litellm's ``ModelResponse``.

    ``model`` is the requested litellm model string; usage is reported under it, so costs add
    up per configured model rather than per provider snapshot name.
    """
    choice = completion.choices[0]
    message = choice.message
    tool_calls = tuple(
        parse_tool_call(call.id, call.function.name, call.function.arguments)
        for call in message.tool_calls or ()
    )
    usage = getattr(completion, "usage", None)
    hidden = getattr(completion, "_hidden_params", None) or {}
    return LLMResponse(
        content=message.content,
        tool_calls=tool_calls,
        finish_reason=choice.finish_reason,
        model=model,
        usage=usage_of(
            model,
            getattr(usage, "prompt_tokens", 0) or 0,
            getattr(usage, "completion_tokens", 0) or 0,
            hidden.get("response_cost"),
        ),
    )


@dataclass(slots=True)
class _PartialToolCall:
    id: str | None = None
    name: str = ""
    fragments: list[str] = field(default_factory=list)


class StreamAssembler:
    """Collects streamed chunks into the text, tool calls, finish reason and token counts."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._calls: dict[int, _PartialToolCall] = {}
        self.finish_reason: str | None = None
        self.input_tokens = 0
        self.output_tokens = 0

    def add(self, chunk: Any) -> str | None:
        """Take one chunk; return its text, if it has any."""
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            self.input_tokens = usage.prompt_tokens or 0
            self.output_tokens = usage.completion_tokens or 0
        if not chunk.choices:
            return None
        choice = chunk.choices[0]
        if choice.finish_reason:
            self.finish_reason = choice.finish_reason
        delta = choice.delta
        for position, fragment in enumerate(delta.tool_calls or ()):
            self._add_tool_call_fragment(position, fragment)
        text: str | None = delta.content
        if text:
            self._text.append(text)
        return text or None

    def _add_tool_call_fragment(self, position: int, fragment: Any) -> None:
        # The first fragment of a call carries its id and name; later ones only arguments.
        index = fragment.index if fragment.index is not None else position
        call = self._calls.get(index)
        if call is None:
            call = self._calls[index] = _PartialToolCall()
        if fragment.id:
            call.id = fragment.id
        function = fragment.function
        if function is None:
            return
        if function.name:
            call.name = function.name
        if function.arguments:
            call.fragments.append(function.arguments)

    def response(self, model: str, cost_usd: float | None) -> LLMResponse:
        """The final response of the stream."""
        tool_calls = tuple(
            parse_tool_call(call.id, call.name, "".join(call.fragments))
            for _, call in sorted(self._calls.items())
        )
        return LLMResponse(
            content="".join(self._text) if self._text or not tool_calls else None,
            tool_calls=tool_calls,
            finish_reason=self.finish_reason,
            model=model,
            usage=usage_of(model, self.input_tokens, self.output_tokens, cost_usd),
        )
