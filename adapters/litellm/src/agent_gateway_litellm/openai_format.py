"""litellm's output (``ModelResponse`` and stream chunks, attribute objects) as core types.

The request side (messages, tools, response format) is the OpenAI wire format shared with
other adapters in :mod:`agent_gateway_core.llm.openai_wire`.
"""

from __future__ import annotations

from typing import Any

from agent_gateway_core.llm.openai_wire import parse_tool_call, usage_of
from agent_gateway_core.llm.stream_assembler import StreamAssembler
from agent_gateway_core.ports.llm_client import LLMResponse


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


def add_chunk(assembler: StreamAssembler, chunk: Any) -> str | None:
    """Feed one litellm stream chunk to ``assembler``; return its text, if it has any."""
    usage = getattr(chunk, "usage", None)
    if usage is not None:
        assembler.input_tokens = usage.prompt_tokens or 0
        assembler.output_tokens = usage.completion_tokens or 0
    if not chunk.choices:
        return None
    choice = chunk.choices[0]
    if choice.finish_reason:
        assembler.finish_reason = choice.finish_reason
    delta = choice.delta
    for position, fragment in enumerate(delta.tool_calls or ()):
        function = fragment.function
        assembler.add_tool_call_fragment(
            fragment.index if fragment.index is not None else position,
            fragment.id,
            function.name if function is not None else None,
            function.arguments if function is not None else None,
        )
    text: str | None = delta.content
    if text:
        assembler.add_text(text)
    return text or None
