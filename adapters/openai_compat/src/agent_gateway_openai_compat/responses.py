"""Chat-completions answers (JSON bodies, stream chunks, error bodies) read into core types."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from agent_gateway_core.errors import LLMError, LLMServiceError
from agent_gateway_core.llm.backoff import retry_after_seconds
from agent_gateway_core.llm.http_status import error_for_status
from agent_gateway_core.llm.openai_wire import parse_tool_call, usage_of
from agent_gateway_core.llm.stream_assembler import StreamAssembler
from agent_gateway_core.ports.llm_client import LLMResponse

Price = tuple[float, float]  # USD per input token, per output token

_DETAIL_LIMIT = 500  # characters of a non-JSON error body kept in the message


def cost_of(price: Price | None, input_tokens: int, output_tokens: int) -> float | None:
    """The cost of a call at ``price``; ``None`` (counted as 0) when the price is unknown."""
    if price is None:
        return None
    return input_tokens * price[0] + output_tokens * price[1]


def completion_response(body: bytes, model: str, price: Price | None) -> LLMResponse:
    """The :class:`LLMResponse` in a ``chat.completion`` body, reported under ``model``.

    Raises :class:`LLMServiceError` when the body is not a chat completion.
    """
    try:
        data = json.loads(body)
        choice = data["choices"][0]
        message = choice["message"]
        tool_calls = tuple(
            parse_tool_call(
                call.get("id"), call["function"]["name"], call["function"].get("arguments")
            )
            for call in message.get("tool_calls") or ()
        )
        usage = data.get("usage") or {}
        input_tokens = usage.get("prompt_tokens") or 0
        output_tokens = usage.get("completion_tokens") or 0
        return LLMResponse(
            content=message.get("content"),
            tool_calls=tool_calls,
            finish_reason=choice.get("finish_reason"),
            model=model,
            usage=usage_of(
                model, input_tokens, output_tokens, cost_of(price, input_tokens, output_tokens)
            ),
        )
    # A body of the wrong shape fails in any of these ways; all mean the same to the caller.
    except (ValueError, LookupError, TypeError, AttributeError) as exc:
        raise LLMServiceError(
            f"model server sent a response that is not a chat completion: {exc!r}", model=model
        ) from exc


def add_chunk(assembler: StreamAssembler, data: bytes, model: str) -> str | None:
    """Feed one ``chat.completion.chunk`` event to ``assembler``; return its text, if any.

    Raises :class:`LLMServiceError` for an error event or an event that is not a chunk.
    """
    try:
        chunk = json.loads(data)
        usage = chunk.get("usage")
        if usage:
            assembler.input_tokens = usage.get("prompt_tokens") or 0
            assembler.output_tokens = usage.get("completion_tokens") or 0
        choices = chunk.get("choices")
        if not choices:
            if "error" in chunk:
                raise LLMServiceError(
                    f"model server failed mid-stream: {_detail(chunk, data)}", model=model
                )
            return None
        choice = choices[0]
        finish_reason = choice.get("finish_reason")
        if finish_reason:
            assembler.finish_reason = finish_reason
        delta = choice.get("delta") or {}
        for position, fragment in enumerate(delta.get("tool_calls") or ()):
            function = fragment.get("function") or {}
            index = fragment.get("index")
            assembler.add_tool_call_fragment(
                position if index is None else index,
                fragment.get("id"),
                function.get("name"),
                function.get("arguments"),
            )
        text: str | None = delta.get("content")
        if text:
            assembler.add_text(text)
        return text or None
    except (ValueError, LookupError, TypeError, AttributeError) as exc:
        raise LLMServiceError(
            f"model server sent a stream event that is not a chat completion chunk: {exc!r}",
            model=model,
        ) from exc


def http_error(status: int, body: bytes, headers: Mapping[str, str], model: str) -> LLMError:
    """The core error for a non-2xx answer, with the server's own message in it."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        parsed = None
    return error_for_status(
        status,
        f"model server answered {status}: {_detail(parsed, body)}",
        model=model,
        retry_after=retry_after_seconds(headers),
    )


def _detail(parsed: Any, raw: bytes) -> str:
    """The message of an OpenAI-style (or vLLM-style) error object, else the raw text."""
    if isinstance(parsed, dict):
        error = parsed.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
        if isinstance(error, str):
            return error
        if isinstance(parsed.get("message"), str):
            return str(parsed["message"])
    text = raw.decode(errors="replace").strip()
    return text[:_DETAIL_LIMIT] if text else "(empty body)"
