"""HTTP middleware: request ids, security headers (on by default), CORS, proxy headers, the body
size limit.

Starlette builds the middleware stack before the lifespan runs, and gateway.yaml is only read
at startup, so each middleware here is installed up front and applies the started gateway's
:class:`~agent_gateway.http_policy.HttpPolicy`, found on ``app.state.services`` (one lookup per
request; what it builds from a policy is cached until the services change). Security headers
wrap the whole stack, outside Starlette's error middleware, so even a 500 answer carries them,
and so does ``X-Request-ID`` (see :mod:`agent_gateway.request_ids`).
The body size limit (``server.max_request_body_bytes``) is enforced there too, before any
route reads a byte: a ``Content-Length`` over it is answered 413 at once, and a body sent
without one is counted as it arrives.
"""

from __future__ import annotations

from typing import Any, cast

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_gateway.api.errors import error_response
from agent_gateway.api.limits import RequestTooLarge, too_large_message
from agent_gateway.http_policy import HttpPolicy, ProxyTrust
from agent_gateway.request_ids import (
    REQUEST_ID_HEADER,
    bind_request_id,
    request_id_of,
    unbind_request_id,
)

_DOCS_PATHS = ("/docs", "/redoc")
_PROXIED_SCOPES = ("http", "websocket")
# The methods whose routes read a body; no route reads the body of a GET or a DELETE.
_METHODS_WITH_A_BODY = frozenset({"POST", "PUT", "PATCH"})
_REQUEST_ID = REQUEST_ID_HEADER.lower().encode()


class OuterPolicyMiddleware:
    """Outermost: ``X-Request-ID`` and the security headers on every HTTP response that lacks
    them, and inside them the body size limit and the trusted proxy-headers fix-up when the
    policy asks for it. One layer, one lookup of the policy per request."""

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state
        self._proxied: tuple[HttpPolicy, ASGIApp] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            services = getattr(self.state, "services", None)
            if services is not None and scope["type"] in _PROXIED_SCOPES:
                policy: HttpPolicy = services.http_policy
                if policy.proxy is not None:
                    await self._behind_proxy(policy, policy.proxy)(scope, receive, send)
                    return
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope["headers"])
        token = bind_request_id(request_id)
        try:
            await self._serve_http(scope, receive, send, (_REQUEST_ID, request_id.encode()))
        finally:
            unbind_request_id(token)

    async def _serve_http(
        self, scope: Scope, receive: Receive, send: Send, request_id: tuple[bytes, bytes]
    ) -> None:
        app = self.app
        extra: tuple[tuple[bytes, bytes], ...] = (request_id,)
        services = getattr(self.state, "services", None)
        if services is not None:
            policy: HttpPolicy = services.http_policy
            if policy.proxy is not None:
                app = self._behind_proxy(policy, policy.proxy)
            if scope["method"] in _METHODS_WITH_A_BODY:
                limit = policy.limits.max_body_bytes
                declared = _content_length(scope)
                if declared is None:
                    receive = _counted(receive, limit)
                elif declared > limit:
                    app = error_response(413, "request_too_large", too_large_message(limit))
            # Swagger UI and ReDoc load their scripts from a CDN: their own, relaxed policy.
            docs = scope.get("path", "").endswith(_DOCS_PATHS)
            extra += policy.docs_security_headers if docs else policy.security_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(h for h in extra if h[0] not in present),
                ]
            await send(message)

        await app(scope, receive, send_with_headers)

    def _behind_proxy(self, policy: HttpPolicy, proxy: ProxyTrust) -> ASGIApp:
        """uvicorn's proxy-headers fix-up around the app, built once per policy."""
        if self._proxied is None or self._proxied[0] is not policy:
            from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

            # uvicorn types ASGI apps more narrowly than Starlette; the protocol is the same.
            proxied: Any = ProxyHeadersMiddleware(
                cast(Any, self.app), trusted_hosts=proxy.forwarded_allow_ips
            )
            self._proxied = (policy, cast(ASGIApp, proxied))
        return self._proxied[1]


def _content_length(scope: Scope) -> int | None:
    for name, value in reversed(scope["headers"]):  # clients tend to send it last
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _counted(receive: Receive, limit: int) -> Receive:
    """``receive`` raising RequestTooLarge (answered 413) once the body passes ``limit``."""
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise RequestTooLarge(limit)
        return message

    return receive_within_limit


class ConfiguredCorsMiddleware:
    """CORS as the policy says (built once per policy); a pass-through when it is off."""

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state
        self._cors: tuple[HttpPolicy, ASGIApp] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        services = getattr(self.state, "services", None)
        if services is None or scope["type"] != "http" or services.http_policy.cors is None:
            await self.app(scope, receive, send)
            return
        policy: HttpPolicy = services.http_policy
        if self._cors is None or self._cors[0] is not policy:
            self._cors = (policy, CORSMiddleware(self.app, **(policy.cors or {})))
        await self._cors[1](scope, receive, send)


def install_middleware(app: Starlette, state: State) -> None:
    """CORS as user middleware; security headers and proxy trust wrap the whole stack."""
    app.add_middleware(ConfiguredCorsMiddleware, state=state)


def wrap_outer_middleware(app: ASGIApp, state: State) -> ASGIApp:
    """Security headers around everything (a 500 gets them too), with the proxy-headers fix-up
    right inside them, so every other layer sees the client's scheme and address."""
    return OuterPolicyMiddleware(app, state)
