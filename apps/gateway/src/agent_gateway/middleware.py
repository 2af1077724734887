"""HTTP middleware: security headers (on by default), CORS and proxy headers.

Starlette builds the middleware stack before the lifespan runs, and gateway.yaml is only read
at startup, so each middleware here is installed up front and reads its configuration from the
started gateway on each request (a dictionary lookup, nothing more). Security headers wrap the
whole stack, outside Starlette's error middleware, so even a 500 answer carries them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from agent_gateway.gateway import Gateway

_HEADER_NAMES = {
    "x_content_type_options": b"x-content-type-options",
    "x_frame_options": b"x-frame-options",
    "strict_transport_security": b"strict-transport-security",
    "content_security_policy": b"content-security-policy",
    "referrer_policy": b"referrer-policy",
}
_DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    """Adds the configured security headers to every HTTP response, unless disabled."""

    def __init__(self, app: ASGIApp, gateway: Gateway) -> None:
        self.app = app
        self.gateway = gateway
        self._cache: tuple[int, list[tuple[bytes, bytes]]] | None = None

    def _headers(self, path: str) -> list[tuple[bytes, bytes]]:
        services = self.gateway.services
        if services is None:
            return []
        key = id(services)
        if self._cache is None or self._cache[0] != key:
            settings = services.settings.security.model_dump()
            settings.update(self.gateway._fluent.security_headers or {})
            headers = (
                [(name, str(settings[field]).encode()) for field, name in _HEADER_NAMES.items()]
                if services.settings.security.enabled
                else []
            )
            self._cache = (key, headers)
        headers = self._cache[1]
        if path.endswith(_DOCS_PATHS):
            # Swagger UI and ReDoc load scripts from a CDN; a strict CSP would blank them.
            headers = [h for h in headers if h[0] != b"content-security-policy"]
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._headers(scope.get("path", ""))
        if not extra:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(h for h in extra if h[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ConfiguredCorsMiddleware:
    """CORS as configured by ``use_cors`` or gateway.yaml's ``cors:``; a no-op when off."""

    def __init__(self, app: ASGIApp, gateway: Gateway) -> None:
        self.app = app
        self.gateway = gateway
        self._cache: tuple[int, ASGIApp] | None = None

    def _handler(self) -> ASGIApp:
        services = self.gateway.services
        if services is None:
            return self.app
        if self._cache is None or self._cache[0] != id(services):
            options: dict[str, Any] = services.settings.cors.model_dump()
            options.update(self.gateway._fluent.cors or {})
            enabled = options.pop("enabled")
            handler: ASGIApp = CORSMiddleware(self.app, **options) if enabled else self.app
            self._cache = (id(services), handler)
        return self._cache[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self._handler()(scope, receive, send)


def install_middleware(gateway: Gateway) -> None:
    """CORS as user middleware; security headers wrap the whole stack (see Gateway)."""
    gateway.add_middleware(ConfiguredCorsMiddleware, gateway=gateway)


def wrap_outer_middleware(app: ASGIApp, gateway: Gateway) -> ASGIApp:
    """Security headers around everything (a 500 gets them too), and — when configured with
    ``use_proxy_headers`` — the proxy-headers fix-up outermost, so every layer sees the
    client's scheme and address."""
    wrapped: ASGIApp = SecurityHeadersMiddleware(app, gateway=gateway)
    proxy = gateway._fluent.proxy_headers
    if proxy and proxy["trust_forwarded"]:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        # uvicorn types ASGI apps more narrowly than Starlette; the protocol is the same.
        proxied: Any = ProxyHeadersMiddleware(
            cast(Any, wrapped), trusted_hosts=proxy["forwarded_allow_ips"]
        )
        return cast(ASGIApp, proxied)
    return wrapped
