"""HTTP middleware: security headers (on by default), CORS and proxy headers.

Starlette builds the middleware stack before the lifespan runs, and gateway.yaml is only read
at startup, so each middleware here is installed up front and applies the started gateway's
:class:`~agent_gateway.http_policy.HttpPolicy`, found on ``app.state.services`` (one lookup per
request; what it builds from a policy is cached until the services change). Security headers
wrap the whole stack, outside Starlette's error middleware, so even a 500 answer carries them.
"""

from __future__ import annotations

from typing import Any, cast

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_gateway.http_policy import HttpPolicy

_DOCS_PATHS = ("/docs", "/redoc")
_CSP = b"content-security-policy"


def _policy(state: State) -> HttpPolicy | None:
    services = getattr(state, "services", None)
    return None if services is None else cast(HttpPolicy, services.http_policy)


class SecurityHeadersMiddleware:
    """Adds the policy's security headers to every HTTP response that lacks them."""

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        policy = _policy(self.state) if scope["type"] == "http" else None
        if policy is None or not policy.security_headers:
            await self.app(scope, receive, send)
            return
        extra = policy.security_headers
        if scope.get("path", "").endswith(_DOCS_PATHS):
            # Swagger UI and ReDoc load scripts from a CDN; a strict CSP would blank them.
            extra = tuple(h for h in extra if h[0] != _CSP)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(h for h in extra if h[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _PolicyMiddleware:
    """Runs the middleware a policy calls for (built once per policy), else passes through."""

    scope_types: tuple[str, ...] = ("http",)

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state
        self._cache: tuple[HttpPolicy, ASGIApp] | None = None

    def build(self, policy: HttpPolicy) -> ASGIApp | None:
        """The middleware around ``self.app`` that ``policy`` asks for; ``None``: none."""
        raise NotImplementedError

    def _handler(self, policy: HttpPolicy) -> ASGIApp:
        if self._cache is None or self._cache[0] is not policy:
            self._cache = (policy, self.build(policy) or self.app)
        return self._cache[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        policy = _policy(self.state) if scope["type"] in self.scope_types else None
        app = self.app if policy is None else self._handler(policy)
        await app(scope, receive, send)


class ConfiguredCorsMiddleware(_PolicyMiddleware):
    """CORS as the policy says; a pass-through when it is off."""

    def build(self, policy: HttpPolicy) -> ASGIApp | None:
        return None if policy.cors is None else CORSMiddleware(self.app, **policy.cors)


class TrustedProxyMiddleware(_PolicyMiddleware):
    """uvicorn's proxy-headers fix-up, from the addresses the policy trusts; else a no-op."""

    scope_types = ("http", "websocket")

    def build(self, policy: HttpPolicy) -> ASGIApp | None:
        if policy.proxy is None:
            return None
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        # uvicorn types ASGI apps more narrowly than Starlette; the protocol is the same.
        proxied: Any = ProxyHeadersMiddleware(
            cast(Any, self.app), trusted_hosts=policy.proxy.forwarded_allow_ips
        )
        return cast(ASGIApp, proxied)


def install_middleware(app: Starlette, state: State) -> None:
    """CORS as user middleware; security headers and proxy trust wrap the whole stack."""
    app.add_middleware(ConfiguredCorsMiddleware, state=state)


def wrap_outer_middleware(app: ASGIApp, state: State) -> ASGIApp:
    """Security headers around everything (a 500 gets them too), and the proxy-headers
    fix-up outermost, so every layer sees the client's scheme and address."""
    return TrustedProxyMiddleware(SecurityHeadersMiddleware(app, state), state)
