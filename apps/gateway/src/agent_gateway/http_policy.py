"""The HTTP policy of a started gateway: security headers, CORS, proxy trust, request limits.

Resolved once at startup, from gateway.yaml (``security``, ``cors``, ``proxy``, the limits
under ``server``) with the fluent ``use_security_headers`` / ``use_cors`` /
``use_proxy_headers`` over it, and held on the services, where the middleware and the routes
read it on each request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agent_gateway.api.limits import RequestLimits
from agent_gateway.settings import GatewaySettings

_CSP = b"content-security-policy"
_HEADER_NAMES = {
    "x_content_type_options": b"x-content-type-options",
    "x_frame_options": b"x-frame-options",
    "strict_transport_security": b"strict-transport-security",
    "content_security_policy": b"content-security-policy",
    "referrer_policy": b"referrer-policy",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ProxyTrust:
    """``X-Forwarded-*`` is believed only from these addresses (uvicorn's syntax)."""

    forwarded_allow_ips: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpPolicy:
    security_headers: tuple[tuple[bytes, bytes], ...] = ()
    docs_security_headers: tuple[tuple[bytes, bytes], ...] = ()  # for /docs and /redoc
    cors: Mapping[str, Any] | None = None  # CORSMiddleware's keyword arguments; None: off
    proxy: ProxyTrust | None = None
    limits: RequestLimits = field(default_factory=RequestLimits)


def resolve_http_policy(
    settings: GatewaySettings,
    *,
    security_headers: Mapping[str, Any] | None = None,
    cors: Mapping[str, Any] | None = None,
    proxy_headers: Mapping[str, Any] | None = None,
) -> HttpPolicy:
    """gateway.yaml's policy with what was set in code over it."""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    docs_headers: tuple[tuple[bytes, bytes], ...] = ()
    if settings.security.enabled:
        values = {**settings.security.model_dump(), **(security_headers or {})}
        headers = tuple(
            (name, str(values[field]).encode()) for field, name in _HEADER_NAMES.items()
        )
        docs_csp = (_CSP, str(values["docs_content_security_policy"]).encode())
        docs_headers = tuple(docs_csp if name == _CSP else (name, v) for name, v in headers)
    cors_options: dict[str, Any] = {**settings.cors.model_dump(), **(cors or {})}
    cors_enabled = cors_options.pop("enabled")
    proxy_options = {**settings.proxy.model_dump(), **(proxy_headers or {})}
    proxy = None
    if proxy_options["trust_forwarded"]:
        proxy = ProxyTrust(forwarded_allow_ips=proxy_options["forwarded_allow_ips"])
    return HttpPolicy(
        security_headers=headers,
        docs_security_headers=docs_headers,
        cors=cors_options if cors_enabled else None,
        proxy=proxy,
        limits=RequestLimits.from_settings(settings.server),
    )
