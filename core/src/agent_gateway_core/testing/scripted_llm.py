"""A scripted LLMClient: replies are queued by the test, requests are recorded.

The same :class:`ScriptedReply` script drives the fake OpenAI-compatible HTTP server in
``agent_gateway_testing``, so a test can move from this in-process fake to real HTTP through
an adapter without rewriting its script.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agent_gateway_core.domain.messages import ToolCall
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.errors import (
    LLMAuthenticationError,
    LLMBadRequestError,
    LLMError,
    LLMRateLimitError,
    LLMServiceError,
    LLMTimeoutError,
)
from agent_gateway_core.ports.llm_client import (
    LLMClient,
    LLMRequest,
    LLMResponse,
    LLMStreamEvent,
    TextDelta,
)

_call_ids = itertools.count(1)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptedToolCall:
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    raw_arguments: str | None = None  # send these exact (possibly invalid) JSON text instead


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptedReply:
    """One model reply, or one failure.

    ``status`` other than 200 makes the call fail with that HTTP status (429 honours
    ``retry_after``); ``hang`` makes it never answer (the caller's timeout fires);
    ``delay_seconds`` waits before answering.
    """

    content: str | None = None
    tool_calls: Sequence[ScriptedToolCall] = ()
    input_tokens: int = 10
    output_tokens: int = 5
    status: int = 200
    error_message: str = "scripted failure"
    retry_after: float | None = None
    delay_seconds: float = 0.0
    hang: bool = False
    finish_reason: str | None = None

    def to_tool_calls(self) -> tuple[ToolCall, ...]:
        return tuple(_tool_call(tc) for tc in self.tool_calls)


def _tool_call(scripted: ScriptedToolCall) -> ToolCall:
    call_id = scripted.id or f"call_{next(_call_ids)}"
    if scripted.raw_arguments is None:
        return ToolCall(id=call_id, name=scripted.name, arguments=scripted.arguments)
    # Raw arguments go through the same rule as a real client's: not a JSON object -> error.
    try:
        parsed = json.loads(scripted.raw_arguments)
    except ValueError as exc:
        error = f"tool call arguments are not valid JSON: {exc}"
    else:
        if isinstance(parsed, dict):
            return ToolCall(id=call_id, name=scripted.name, arguments=parsed)
        error = f"tool call arguments must be a JSON object, got {type(parsed).__name__}"
    return ToolCall(id=call_id, name=scripted.name, arguments={}, arguments_error=error)


def reply(content: str, **kwargs: Any) -> ScriptedReply:
    """A plain text reply."""
    return ScriptedReply(content=content, **kwargs)


def tool_call(name: str, arguments: dict[str, Any] | None = None, **kwargs: Any) -> ScriptedReply:
    """A reply asking for one tool call."""
    return ScriptedReply(
        tool_calls=(ScriptedToolCall(name=name, arguments=arguments or {}),), **kwargs
    )


class ScriptedLLM(LLMClient):
    """An in-process LLMClient that answers from a queue of :class:`ScriptedReply`.

    When the queue is empty it answers with ``default`` (a callable of the request) or, by
    default, echoes the last user message. Every request is kept in ``requests``.
    """

    def __init__(
        self,
        replies: Sequence[ScriptedReply] = (),
        *,
        default: Callable[[LLMRequest], ScriptedReply] | None = None,
        cost_per_token: float = 0.0,
    ) -> None:
        self._replies: deque[ScriptedReply] = deque(replies)
        self._default = default or _echo
        self._cost_per_token = cost_per_token
        self.requests: list[LLMRequest] = []
        self.closed = False

    def push(self, *replies: ScriptedReply) -> None:
        self._replies.extend(replies)

    @property
    def pending(self) -> int:
        return len(self._replies)

    async def complete(self, request: LLMRequest) -> LLMResponse:
        scripted = await self._next(request)
        return self._response(request, scripted)

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        scripted = await self._next(request)
        response = self._response(request, scripted)
        for piece in _chunks(response.content or ""):
            await asyncio.sleep(0)
            yield TextDelta(piece)
        yield response

    async def aclose(self) -> None:
        self.closed = True

    async def _next(self, request: LLMRequest) -> ScriptedReply:
        self.requests.append(request)
        scripted = self._replies.popleft() if self._replies else self._default(request)
        try:
            async with asyncio.timeout(request.timeout_seconds):
                if scripted.hang:
                    await asyncio.Event().wait()
                if scripted.delay_seconds:
                    await asyncio.sleep(scripted.delay_seconds)
        except TimeoutError as exc:
            raise LLMTimeoutError(
                f"model call timed out after {request.timeout_seconds} s", model=request.model
            ) from exc
        if scripted.status != 200:
            raise _error_for(scripted, request.model)
        return scripted

    def _response(self, request: LLMRequest, scripted: ScriptedReply) -> LLMResponse:
        tool_calls = scripted.to_tool_calls()
        tokens = scripted.input_tokens + scripted.output_tokens
        return LLMResponse(
            content=scripted.content,
            tool_calls=tool_calls,
            finish_reason=scripted.finish_reason or ("tool_calls" if tool_calls else "stop"),
            model=request.model,
            usage=Usage(
                input_tokens=scripted.input_tokens,
                output_tokens=scripted.output_tokens,
                cost_usd=tokens * self._cost_per_token,
                llm_calls=1,
                models_used=(request.model,),
            ),
        )


def _echo(request: LLMRequest) -> ScriptedReply:
    last_user = next(
        (m.content for m in reversed(request.messages) if m.role == "user" and m.content), ""
    )
    return ScriptedReply(content=f"echo: {last_user}")


def _chunks(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _error_for(scripted: ScriptedReply, model: str) -> LLMError:
    if scripted.status == 429:
        return LLMRateLimitError(
            scripted.error_message, model=model, status_code=429, retry_after=scripted.retry_after
        )
    if scripted.status == 408:
        return LLMTimeoutError(scripted.error_message, model=model, status_code=408)
    if scripted.status in (401, 403):
        return LLMAuthenticationError(
            scripted.error_message, model=model, status_code=scripted.status
        )
    if 400 <= scripted.status < 500:
        return LLMBadRequestError(scripted.error_message, model=model, status_code=scripted.status)
    return LLMServiceError(scripted.error_message, model=model, status_code=scripted.status)
