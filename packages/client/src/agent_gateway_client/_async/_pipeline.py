"""The one path every call of the client takes.

``send`` and ``stream`` build the request (``User-Agent`` and the configured headers come from
the pooled httpx client, an ``X-Request-ID`` is made per call), run the request hooks and then
tracking's (the label and a derived ``Idempotency-Key``, see
:mod:`~agent_gateway_client._tracking`), then the middleware chain (the caller's, then the
store's, see :mod:`~agent_gateway_client._store`) around the core:
each attempt gets the current credential, a 401 refreshes it once, connection failures and
429/502/503/504 are retried as :mod:`~agent_gateway_client._retry` says, and transport errors
become :class:`GatewayConnectionError` or :class:`GatewayTimeoutError`. After the chain, an
error status becomes the :class:`GatewayError` it stands for.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import httpx

from agent_gateway_client._async._auth import AsyncAuth, auth_for
from agent_gateway_client._async._middleware import AsyncMiddleware, AsyncSend
from agent_gateway_client._async._store import AsyncStoreMiddleware
from agent_gateway_client._config import ClientConfig
from agent_gateway_client._errors import (
    REQUEST_ID_HEADER,
    GatewayConnectionError,
    GatewayTimeoutError,
    error_from_response,
)
from agent_gateway_client._retry import ANSWERS, RetryPolicy, retry_after_seconds
from agent_gateway_client._store import ResponseStore
from agent_gateway_client._tls import ssl_context
from agent_gateway_client._tracking import apply_tracking
from agent_gateway_client._types import QueryParams, RequestHook, Timeout


class AsyncPipeline:
    """Owns the client's one pooled ``httpx.AsyncClient``; closed by :meth:`aclose`."""

    def __init__(
        self, config: ClientConfig, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        self._http = httpx.AsyncClient(
            base_url=config.base_url,
            headers={"User-Agent": config.user_agent, **config.headers},
            timeout=config.timeout(),
            verify=ssl_context(config.verify, config.cert),
            proxy=config.proxy,
            transport=transport,
        )
        self._auth: AsyncAuth = auth_for(config, self._http)
        self._retry = RetryPolicy(
            max_retries=config.max_retries,
            backoff_base=config.backoff_base,
            backoff_max=config.backoff_max,
        )
        self._hooks: list[RequestHook] = []
        self._middleware: list[AsyncMiddleware] = []
        self.store = ResponseStore(enabled=config.cache, base_path=self._http.base_url.path)
        self._store_middleware = AsyncStoreMiddleware(self.store)

    def add_request_hook(self, hook: RequestHook) -> None:
        self._hooks.append(hook)

    def add_middleware(self, middleware: AsyncMiddleware) -> None:
        self._middleware.append(middleware)

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 (httpx's timeouts of this request)
        allow_statuses: Collection[int] = (),
    ) -> httpx.Response:
        """Send and read the whole answer; raise for an error status unless it is one of
        ``allow_statuses``."""
        request = self._request(method, path, params, json, content, headers, timeout)
        request.extensions[ANSWERS] = frozenset(allow_statuses)
        response = await self._dispatch(request)
        try:
            await response.aread()
        except httpx.TransportError as exc:
            raise _transport_error(request, exc) from exc
        finally:
            await response.aclose()
        if response.is_error and response.status_code not in allow_statuses:
            raise error_from_response(response)
        return response

    @asynccontextmanager
    async def stream(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 (httpx's timeouts of this request)
    ) -> AsyncIterator[httpx.Response]:
        """Send and yield the answer with its body unread (``stream_timeout`` between reads);
        an error status is raised before anything is yielded, and a transport error while the
        body is read becomes a :class:`GatewayError` too. Closed on exit."""
        if timeout is None:
            timeout = self.config.timeout(stream=True)
        request = self._request(method, path, params, json, content, headers, timeout)
        response = await self._dispatch(request)
        try:
            if response.is_error:
                raise error_from_response(response)  # its body was read by _send
            yield response
        except httpx.TransportError as exc:
            raise _transport_error(request, exc) from exc
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def _request(
        self,
        method: str,
        path: str,
        params: QueryParams | None,
        json: Any,
        content: bytes | str | None,
        headers: dict[str, str] | None,
        timeout: Timeout,
    ) -> httpx.Request:
        request = self._http.build_request(
            method.upper(),
            path,
            params=_query(params),
            json=json,
            content=content,
            headers=headers,
            timeout=self.config.timeout() if timeout is None else timeout,
        )
        # One id per call, its retries included: the gateway echoes it and logs it.
        request.headers.setdefault(REQUEST_ID_HEADER, uuid.uuid4().hex)
        for hook in self._hooks:
            hook(request)
        apply_tracking(self, request)
        return request

    async def _dispatch(self, request: httpx.Request) -> httpx.Response:
        send: AsyncSend = _bound(self._store_middleware, self._send)
        for middleware in reversed(self._middleware):
            send = _bound(middleware, send)
        try:
            return await send(request)
        except httpx.TransportError as exc:  # a middleware reading a body
            raise _transport_error(request, exc) from exc

    def reconnect_delay(self, attempt: int) -> float | None:
        """Seconds to wait before reconnecting a stream after ``attempt`` (from 0) failed
        connections in a row; ``None`` when the retries are spent."""
        if attempt >= self._retry.max_retries:
            return None
        return self._retry.delay(attempt)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        """Attempts until one is final: the answer, its body unread unless it is an error
        (an error body is small, and read to decide on a retry and to report it)."""
        own_credential = "Authorization" not in request.headers
        refreshed = False
        attempt = 0
        while True:
            if own_credential:
                await self._authorize(request)
            try:
                response = await self._http.send(request, stream=True)
                if response.is_error:
                    await response.aread()
            except httpx.TransportError as exc:
                if attempt < self._retry.max_retries and self._retry.retries_error(request, exc):
                    await asyncio.sleep(self._retry.delay(attempt) or 0.0)
                    attempt += 1
                    continue
                raise _transport_error(request, exc) from exc
            if response.status_code == 401 and own_credential and not refreshed:
                refreshed = True
                if await self._auth.refresh(request.headers.get("Authorization")):
                    continue
            delay = self._retry_delay(request, response, attempt)
            if delay is None:
                return response
            await asyncio.sleep(delay)
            attempt += 1

    def _retry_delay(
        self, request: httpx.Request, response: httpx.Response, attempt: int
    ) -> float | None:
        """How long to wait before sending ``request`` again; ``None``: this answer is final."""
        if attempt >= self._retry.max_retries or not response.is_error:
            return None
        if not self._retry.retries_response(request, response):
            return None
        return self._retry.delay(attempt, retry_after_seconds(response))

    async def _authorize(self, request: httpx.Request) -> None:
        authorization = await self._auth.authorization()
        if authorization is None:
            request.headers.pop("Authorization", None)
        else:
            request.headers["Authorization"] = authorization


def _bound(middleware: AsyncMiddleware, call_next: AsyncSend) -> AsyncSend:
    async def send(request: httpx.Request) -> httpx.Response:
        return await middleware(request, call_next)

    return send


def _query(params: QueryParams | None) -> dict[str, Any] | None:
    if not params:
        return None
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in params.items()
        if value is not None
    }


_PHASES = {
    httpx.ConnectTimeout: "connect ",
    httpx.ReadTimeout: "read ",
    httpx.WriteTimeout: "write ",
    httpx.PoolTimeout: "pool ",
}


def _transport_error(request: httpx.Request, exc: httpx.TransportError) -> Exception:
    where = f"{request.method} {request.url}"
    request_id = request.headers.get(REQUEST_ID_HEADER)
    if isinstance(exc, httpx.TimeoutException):
        phase = _PHASES.get(type(exc), "")
        message = f"{where}: no answer in time ({phase}timeout)"
        return GatewayTimeoutError(message, request_id=request_id)
    return GatewayConnectionError(f"{where}: {exc or type(exc).__name__}", request_id=request_id)
