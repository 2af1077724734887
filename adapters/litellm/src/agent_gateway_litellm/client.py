"""LiteLLMClient: the LLMClient port on litellm, with our own retries and error translation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from agent_gateway_core.errors import LLMError, LLMTimeoutError
from agent_gateway_core.llm.backoff import Backoff, RetryPolicy
from agent_gateway_core.llm.openai_wire import request_options, to_openai_messages, to_openai_tools
from agent_gateway_core.llm.stream_assembler import StreamAssembler
from agent_gateway_core.ports.llm_client import (
    LLMClient,
    LLMRequest,
    LLMResponse,
    LLMStreamEvent,
    TextDelta,
)
from agent_gateway_litellm.error_mapping import translate_error
from agent_gateway_litellm.litellm_loader import load_litellm
from agent_gateway_litellm.openai_format import add_chunk, response_from_completion


class LiteLLMClient(LLMClient):
    """Calls any litellm model string (``openai/gpt-4o-mini``, ``anthropic/...``).

    ``api_base`` and ``api_key`` apply to every call unless the request sets its own; without
    a key litellm reads the provider's variable (``OPENAI_API_KEY``, ...). ``timeout_seconds``
    bounds each attempt. Rate limits, 5xx, timeouts and connection failures are retried up to
    ``max_retries`` times with exponential backoff and jitter (``backoff_base_seconds`` doubling
    up to ``backoff_max_seconds``), waiting as long as a ``Retry-After`` asks, within that cap.
    litellm is imported on the first call, not when this module is.
    """

    # litellm pools HTTP clients process-wide; the last LiteLLMClient to close releases them.
    _open_clients: ClassVar[int] = 0

    def __init__(
        self,
        *,
        api_base: str | None = None,
        api_key: str | None = None,
        timeout_seconds: float = 60.0,
        max_retries: int = 3,
        backoff_base_seconds: float = 0.5,
        backoff_max_seconds: float = 8.0,
    ) -> None:
        if timeout_seconds <= 0:
            raise ValueError(f"timeout_seconds must be positive, got {timeout_seconds}")
        self._retry = RetryPolicy(max_retries, Backoff(backoff_base_seconds, backoff_max_seconds))
        self._api_base = api_base
        self._api_key = api_key
        self._timeout = timeout_seconds
        self._closed = False
        LiteLLMClient._open_clients += 1

    async def complete(self, request: LLMRequest) -> LLMResponse:
        litellm = await self._litellm()
        kwargs = self._call_kwargs(request)
        timeout: float = kwargs["timeout"]
        attempt = 0
        while True:
            try:
                async with asyncio.timeout(timeout):
                    completion = await litellm.acompletion(**kwargs)
                return response_from_completion(completion, request.model)
            except Exception as exc:
                error = _translate(litellm, exc, request.model, timeout)
                await self._wait_or_raise(error, exc, attempt)
            attempt += 1

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        litellm = await self._litellm()
        kwargs = self._call_kwargs(request)
        kwargs["stream"] = True
        kwargs["stream_options"] = {"include_usage": True}
        timeout: float = kwargs["timeout"]
        attempt = 0
        while True:
            assembler = StreamAssembler()
            yielded = False
            try:
                async with asyncio.timeout(timeout):
                    chunks = await litellm.acompletion(**kwargs)
                try:
                    async for chunk in chunks:
                        text = add_chunk(assembler, chunk)
                        if text:
                            yielded = True
                            yield TextDelta(text)
                            # Chunks that arrived together are parsed without awaiting
                            # anything, at ~0.4 ms of litellm CPU each: without a turn of
                            # the event loop here, whoever waits for this delta (the SSE
                            # writer) would only get it after the rest of the stream.
                            await asyncio.sleep(0)
                finally:
                    await chunks.aclose()
                break
            except Exception as exc:
                error = _translate(litellm, exc, request.model, timeout)
                if yielded:  # text already went out; a retry would repeat it
                    raise error from exc
                await self._wait_or_raise(error, exc, attempt)
            attempt += 1
        cost = _stream_cost(litellm, request.model, assembler)
        yield assembler.response(request.model, cost)

    async def aclose(self) -> None:
        """Mark this client closed; the last open one closes litellm's pooled HTTP clients."""
        if self._closed:
            return
        self._closed = True
        LiteLLMClient._open_clients -= 1
        if LiteLLMClient._open_clients == 0 and load_litellm.cache_info().currsize:
            litellm = load_litellm()
            await litellm.close_litellm_async_clients()
            # Drop the closed clients so a client created later gets fresh ones.
            litellm.in_memory_llm_clients_cache.flush_cache()

    # ------------------------------------------------------------------ internals

    async def warm_up(self) -> None:
        """Import litellm now (in a thread) instead of on the first call."""
        await self._litellm()

    async def _litellm(self) -> Any:
        if self._closed:
            raise RuntimeError("LiteLLMClient is closed")
        if load_litellm.cache_info().currsize:
            return load_litellm()
        # Importing litellm takes seconds of CPU; never on the event loop.
        return await asyncio.to_thread(load_litellm)

    def _call_kwargs(self, request: LLMRequest) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": request.model,
            "messages": to_openai_messages(request.messages),
            "timeout": self._timeout
            if request.timeout_seconds is None
            else request.timeout_seconds,
            # The provider SDK retries on its own by default (openai: twice); ours replace them.
            "max_retries": 0,
        }
        api_base = request.api_base or self._api_base
        if api_base:
            kwargs["api_base"] = api_base
        api_key = request.api_key or self._api_key
        if api_key:
            kwargs["api_key"] = api_key
        if request.tools:
            kwargs["tools"] = to_openai_tools(request.tools)
            # Ours are plain function tools. Without this flag litellm checks them for its
            # proxy's MCP tools, importing its MCP stack (and the optional ``mcp`` package).
            kwargs["_skip_mcp_handler"] = True
        kwargs.update(request_options(request))
        if request.extra:
            kwargs.update(request.extra)
        return kwargs

    async def _wait_or_raise(self, error: LLMError, cause: Exception, attempt: int) -> None:
        """Sleep before the next attempt, or raise ``error`` if it is final."""
        delay = self._retry.delay_before_retry(error, attempt)
        if delay is None:
            raise error from cause
        await asyncio.sleep(delay)


def _translate(litellm: Any, exc: Exception, model: str, timeout: float) -> LLMError:
    """The core error for ``exc``; anything that is not a provider failure is re-raised."""
    if isinstance(exc, TimeoutError):  # our asyncio.timeout fired before litellm's own
        return LLMTimeoutError(f"model call timed out after {timeout} s", model=model)
    error = translate_error(litellm, exc, model)
    if error is None:
        raise exc
    return error


def _stream_cost(litellm: Any, model: str, assembler: StreamAssembler) -> float | None:
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model,
            prompt_tokens=assembler.input_tokens,
            completion_tokens=assembler.output_tokens,
        )
    # litellm raises assorted exceptions for a model without a price; that cost is unknown.
    except Exception:
        return None
    return float(prompt_cost + completion_cost)
