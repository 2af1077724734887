"""LLMClient port: one model call, complete or streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from agent_gateway_core.domain.messages import Message, ToolCall
from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.domain.usage import Usage


@dataclass(frozen=True, slots=True, kw_only=True)
class LLMRequest:
    """One model call. ``response_schema`` asks for JSON matching that JSON Schema."""

    model: str
    messages: Sequence[Message]
    tools: Sequence[ToolSpec] = ()
    temperature: float | None = None
    max_tokens: int | None = None
    response_schema: dict[str, Any] | None = None
    response_schema_name: str = "output"
    api_base: str | None = None
    api_key: str | None = None
    timeout_seconds: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class LLMResponse:
    """The model's answer: text and/or tool calls, with usage for this call only."""

    content: str | None
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    model: str = ""
    usage: Usage = field(default_factory=Usage)


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of streamed text."""

    text: str


LLMStreamEvent = TextDelta | LLMResponse


@runtime_checkable
class LLMClient(Protocol):
    """Calls a chat model.

    - ``complete`` returns one :class:`LLMResponse`. ``usage`` has ``llm_calls == 1``, the
      provider's token counts and the cost in USD when the model's price is known (else 0).
    - Tool calls come back with parsed ``arguments``; arguments that are not a JSON object
      are returned with ``arguments == {}`` and ``arguments_error`` set, never raised.
    - ``stream`` yields :class:`TextDelta` items in order, then exactly one final
      :class:`LLMResponse` holding the whole text, the assembled tool calls and usage. The
      concatenated deltas equal the final ``content``.
    - Failures raise a subclass of :class:`~agent_gateway_core.errors.LLMError`: 429 →
      ``LLMRateLimitError`` (``retry_after`` when known), timeouts → ``LLMTimeoutError``,
      unreachable → ``LLMConnectionError``, 401/403 → ``LLMAuthenticationError``,
      400/404/422 → ``LLMBadRequestError``, 5xx → ``LLMServiceError``. Retries of retryable
      errors happen inside the client, so a raised error is final for this call.
    - Cancelling the calling task cancels the HTTP request.
    - ``aclose`` releases pooled connections; calling it twice is harmless.
    """

    async def complete(self, request: LLMRequest) -> LLMResponse: ...

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]: ...

    async def aclose(self) -> None: ...
