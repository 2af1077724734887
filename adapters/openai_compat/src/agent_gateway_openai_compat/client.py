"""OpenAICompatClient: the LLMClient port straight over HTTP to an OpenAI-compatible server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from functools import lru_cache

import aiohttp
from yarl import URL

from agent_gateway_core.errors import LLMBadRequestError, LLMConnectionError, LLMError
from agent_gateway_core.llm.backoff import Backoff, RetryPolicy
from agent_gateway_core.llm.stream_assembler import StreamAssembler
from agent_gateway_core.ports.llm_client import (
    LLMClient,
    LLMRequest,
    LLMResponse,
    LLMStreamEvent,
    TextDelta,
)
from agent_gateway_openai_compat.request_body import RequestEncoder, wire_model_name
from agent_gateway_openai_compat.responses import (
    Price,
    add_chunk,
    completion_response,
    cost_of,
    http_error,
)
from agent_gateway_openai_compat.sse import SSEDecoder
from agent_gateway_openai_compat.transport_errors import TRANSPORT_ERRORS, transport_error

_DNS_CACHE_SECONDS = 300  # model servers do not move often; aiohttp's default is 10 s
_DONE = b"[DONE]"


class OpenAICompatClient(LLMClient):
    """Calls ``POST {api_base}/chat/completions`` of an OpenAI-compatible server.

    For vLLM, llama.cpp, Ollama, LM Studio, OpenAI itself or an OpenAI-style gateway, without
    litellm's per-call cost. ``api_base`` (``http://127.0.0.1:8000/v1``) and ``api_key`` apply
    unless the request sets its own; one of the two must name an ``api_base``. The model is sent
    without a leading ``openai/`` or ``openai_compat/``, so an agent configured for litellm's
    ``openai/<name>`` works unchanged. ``prices`` maps a model (as requested, or as sent) to
    USD per input and per output token; other models cost 0. ``extra_headers`` go with every
    call. Retries, timeouts and backoff behave as in the litellm adapter.

    One pooled ``aiohttp`` session (keep-alive, no connection cap) is opened on the first call,
    in that call's event loop; use the client from that loop only.
    """

    def __init__(
        self,
        *,
        api_base: str | None = None,
        api_key: str | None = None,
        timeout_seconds: float = 60.0,
        max_retries: int = 3,
        backoff_base_seconds: float = 0.5,
        backoff_max_seconds: float = 8.0,
        extra_headers: Mapping[str, str] | None = None,
        prices: Mapping[str, Price] | None = None,
    ) -> None:
        if timeout_seconds <= 0:
            raise ValueError(f"timeout_seconds must be positive, got {timeout_seconds}")
        self._retry = RetryPolicy(max_retries, Backoff(backoff_base_seconds, backoff_max_seconds))
        self._api_base = api_base
        self._api_key = api_key
        self._timeout = timeout_seconds
        self._headers = {"Content-Type": "application/json", **(extra_headers or {})}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._prices = dict(prices or {})
        self._encoder = RequestEncoder()
        self._urls: dict[str, URL] = {}
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    async def complete(self, request: LLMRequest) -> LLMResponse:
        session = self._session or self._open_session()
        url = self._url(request)
        headers = self._request_headers(request)
        timeout = request.timeout_seconds or self._timeout
        body = self._encoder.encode(request, stream=False)
        price = self._price(request.model)
        attempt = 0
        while True:
            try:
                return await self._complete_once(
                    session, url, body, headers, timeout, request.model, price
                )
            except LLMError as error:
                delay = self._retry.delay_before_retry(error, attempt)
                if delay is None:
                    raise
            await asyncio.sleep(delay)
            attempt += 1

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        session = self._session or self._open_session()
        url = self._url(request)
        headers = self._request_headers(request)
        timeout = request.timeout_seconds or self._timeout
        body = self._encoder.encode(request, stream=True)
        model = request.model
        attempt = 0
        while True:
            assembler = StreamAssembler()
            decoder = SSEDecoder()
            yielded = done = False
            try:
                try:
                    async with session.post(
                        url, data=body, headers=headers, timeout=_between_bytes(timeout)
                    ) as response:
                        if response.status >= 300:
                            payload = await response.read()
                            raise http_error(response.status, payload, response.headers, model)
                        async for received in response.content.iter_any():
                            for data in decoder.feed(received):
                                if data == _DONE:
                                    done = True
                                    break
                                text = add_chunk(assembler, data, model)
                                if text is not None:
                                    yielded = True
                                    yield TextDelta(text)
                                    # The rest of this read is parsed without awaiting:
                                    # a turn of the event loop lets whoever waits for
                                    # this delta (the SSE writer) have it first.
                                    await asyncio.sleep(0)
                            if done:
                                break
                except TRANSPORT_ERRORS as exc:
                    raise transport_error(exc, model=model, url=str(url), timeout=timeout) from exc
                if not done and assembler.finish_reason is None:
                    raise LLMConnectionError(
                        "the model server closed the stream before the answer was complete",
                        model=model,
                    )
                break
            except LLMError as error:
                # Once text went out, a retry would repeat it.
                delay = None if yielded else self._retry.delay_before_retry(error, attempt)
                if delay is None:
                    raise
            await asyncio.sleep(delay)
            attempt += 1
        cost = cost_of(self._price(model), assembler.input_tokens, assembler.output_tokens)
        yield assembler.response(model, cost)

    async def aclose(self) -> None:
        """Close the pooled connections; later calls raise ``RuntimeError``. Idempotent."""
        self._closed = True
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    # ------------------------------------------------------------------ internals

    async def _complete_once(
        self,
        session: aiohttp.ClientSession,
        url: URL,
        body: bytes,
        headers: Mapping[str, str] | None,
        timeout_seconds: float,
        model: str,
        price: Price | None,
    ) -> LLMResponse:
        try:
            async with session.post(
                url, data=body, headers=headers, timeout=_whole_call(timeout_seconds)
            ) as response:
                payload = await response.read()
                if response.status >= 300:
                    raise http_error(response.status, payload, response.headers, model)
        except TRANSPORT_ERRORS as exc:
            raise transport_error(exc, model=model, url=str(url), timeout=timeout_seconds) from exc
        return completion_response(payload, model, price)

    def _open_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("OpenAICompatClient is closed")
        # limit=0: no cap on connections, so concurrent calls never queue inside the client.
        connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=_DNS_CACHE_SECONDS)
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=self._headers,
            # Model servers set no cookies worth keeping; skipping the jar saves work per call.
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        return self._session

    def _url(self, request: LLMRequest) -> URL:
        api_base = request.api_base or self._api_base
        if not api_base:
            raise LLMBadRequestError(
                "no api_base for an OpenAI-compatible model: pass OpenAICompatClient(api_base=...) "
                "or set the model's api_base (AGENT.md model.api_base, gateway.yaml model.api_base)",
                model=request.model,
            )
        url = self._urls.get(api_base)
        if url is None:
            url = self._urls[api_base] = URL(api_base.rstrip("/") + "/chat/completions")
        return url

    def _request_headers(self, request: LLMRequest) -> dict[str, str] | None:
        """Headers beyond the session's: only a per-request key needs any."""
        key = request.api_key
        if not key or key == self._api_key:
            return None
        return {"Authorization": f"Bearer {key}"}

    def _price(self, model: str) -> Price | None:
        if not self._prices:
            return None
        return self._prices.get(model) or self._prices.get(wire_model_name(model))


@lru_cache(maxsize=32)
def _whole_call(seconds: float) -> aiohttp.ClientTimeout:
    """A complete call: the whole exchange within ``seconds``."""
    return aiohttp.ClientTimeout(total=seconds)


@lru_cache(maxsize=32)
def _between_bytes(seconds: float) -> aiohttp.ClientTimeout:
    """A stream: connecting, the first byte and every gap between chunks within ``seconds``.

    A long answer may take longer than that in total, as long as it keeps coming.
    """
    return aiohttp.ClientTimeout(total=None, sock_connect=seconds, sock_read=seconds)
