"""OpenAI chat-completions wire format built from a :class:`ScriptedReply`.

Bodies are produced as ``bytes`` ready to send: the fake server is the zero-latency model of
the benchmarks, so nothing here copies more than one JSON encode per payload.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from agent_gateway_core.testing.scripted_llm import ScriptedReply

_ids = itertools.count(1)

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_denied_error",
    404: "not_found_error",
    408: "timeout_error",
    422: "invalid_request_error",
    429: "rate_limit_exceeded",
}

SSE_DONE = b"data: [DONE]\n\n"


def error_body(status: int, message: str) -> bytes:
    """An OpenAI-style error body for an HTTP ``status``."""
    error_type = _ERROR_TYPES.get(status, "server_error" if status >= 500 else "api_error")
    return json.dumps(
        {"error": {"message": message, "type": error_type, "param": None, "code": None}}
    ).encode()


def tool_call_dicts(reply: ScriptedReply) -> list[dict[str, Any]]:
    """The reply's tool calls in the OpenAI shape, arguments as JSON text (raw when scripted)."""
    return [
        {
            "id": call.id or f"call_{next(_ids)}",
            "type": "function",
            "function": {
                "name": call.name,
                "arguments": call.raw_arguments
                if call.raw_arguments is not None
                else json.dumps(call.arguments),
            },
        }
        for call in reply.tool_calls
    ]


def _usage(reply: ScriptedReply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.input_tokens,
        "completion_tokens": reply.output_tokens,
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }


def _finish_reason(reply: ScriptedReply, tool_calls: list[dict[str, Any]]) -> str:
    return reply.finish_reason or ("tool_calls" if tool_calls else "stop")


def completion_body(reply: ScriptedReply, model: str) -> bytes:
    """A whole ``chat.completion`` object."""
    tool_calls = tool_call_dicts(reply)
    message: dict[str, Any] = {"role": "assistant", "content": reply.content, "refusal": None}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return json.dumps(
        {
            "id": f"chatcmpl-{next(_ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": None,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": _finish_reason(reply, tool_calls),
                }
            ],
            "usage": _usage(reply),
        }
    ).encode()


def stream_body(
    reply: ScriptedReply, model: str, *, include_usage: bool, chunk_chars: int
) -> bytes:
    """The whole SSE stream of ``chat.completion.chunk`` events, ending with ``[DONE]``.

    Text comes in pieces of ``chunk_chars`` characters; each tool call opens with its index,
    id and name, then its arguments arrive in fragments, as OpenAI sends them.
    """
    chunk_id = f"chatcmpl-{next(_ids)}"
    created = int(time.time())
    frames: list[bytes] = []

    def emit(delta: dict[str, Any], finish_reason: str | None = None) -> None:
        chunk: dict[str, Any] = {
            "id": chunk_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": None,
            "choices": [
                {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            ],
        }
        if include_usage:
            chunk["usage"] = None
        frames.append(b"data: " + json.dumps(chunk).encode() + b"\n\n")

    emit({"role": "assistant", "content": "", "refusal": None})
    text = reply.content or ""
    for start in range(0, len(text), chunk_chars):
        emit({"content": text[start : start + chunk_chars]})
    tool_calls = tool_call_dicts(reply)
    for index, call in enumerate(tool_calls):
        function = call["function"]
        emit(
            {
                "tool_calls": [
                    {
                        "index": index,
                        "id": call["id"],
                        "type": "function",
                        "function": {"name": function["name"], "arguments": ""},
                    }
                ]
            }
        )
        arguments: str = function["arguments"]
        for start in range(0, len(arguments), chunk_chars):
            fragment = arguments[start : start + chunk_chars]
            emit({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]})
    emit({}, _finish_reason(reply, tool_calls))
    if include_usage:
        usage_chunk = {
            "id": chunk_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": None,
            "choices": [],
            "usage": _usage(reply),
        }
        frames.append(b"data: " + json.dumps(usage_chunk).encode() + b"\n\n")
    frames.append(SSE_DONE)
    return b"".join(frames)


def models_body(models: tuple[str, ...]) -> bytes:
    """The ``GET /v1/models`` list."""
    return json.dumps(
        {
            "object": "list",
            "data": [
                {"id": name, "object": "model", "created": 0, "owned_by": "agent-gateway-testing"}
                for name in models
            ],
        }
    ).encode()


def last_user_text(messages: list[Any]) -> str:
    """The text of the last user message (string content or text parts)."""
    for message in reversed(messages):
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return "".join(
                part.get("text", "")
                for part in content
                if isinstance(part, dict) and part.get("type") == "text"
            )
    return ""
