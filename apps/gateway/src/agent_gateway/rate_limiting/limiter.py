"""The gateway's ``RequestLimiter``: each protected request counted against its caller's limit.

Who: an authenticated caller by its subject (an API key's name, a token's ``sub``), wherever it
calls from; an unauthenticated one (authentication off, or an ``auth.public_paths`` route called
without a credential) by client address.

What: a route ``rate_limit.routes`` names is counted on its own, against that limit; every other
route shares ``default_limit``. A key naming a concrete path (``POST /v1/agents/triage/invoke``)
wins; then a path template (``POST /v1/agents/{agent_id}/invoke``), which covers every path it
describes, so every agent shares one count (typed invoke routes, at each agent's own path,
included); a key with the method before one without.

How: ``limits``' fixed window. A hit is one atomic increment-with-expiry: under a lock in this
process, one Lua script in Redis. Each request gets its own count, so however many arrive at
once, exactly ``limit`` pass per window, in one process or across every process sharing the
Redis keys; the window's expiry is kept by the storage (Redis' clock, not each gateway's), and
a counter is one integer per caller and route. The moving window would refuse a burst across a
window boundary (a fixed window admits up to twice the limit within a window's length there),
but keeps one timestamp per admitted request and compares each gateway's clock. For smoother
limits, give several: ``10/second;1000/hour``. Their counts are taken shortest window first, and
a request one of them refuses still counts against those before it.

When the storage fails (Redis down or slow), requests are let through: a limiter outage must
not take the API down. One warning is logged when it starts, and one when counting resumes;
meanwhile requests do not wait on the storage: it is asked again once ``outage_retry_seconds``
have passed since it last failed.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError
from starlette.requests import Request
from starlette.routing import Route, compile_path

from agent_gateway.api.deps import ANONYMOUS, PUBLIC, route_path
from agent_gateway.rate_limiting.rules import parse_limits, parse_route_key, route_name
from agent_gateway.services import RequestLimiter
from agent_gateway_core.domain.auth import Principal
from agent_gateway_core.errors import ConfigError, RateLimitExceededError

if TYPE_CHECKING:
    from limits import RateLimitItem
    from limits.aio.storage import Storage

logger = logging.getLogger("agent_gateway.rate_limit")

DEFAULT_SCOPE = "*"
_COUNTED = "agent_gateway.rate_limit.counted"  # in the ASGI scope: a request counts once


@dataclass(frozen=True, slots=True)
class _Rule:
    scope: str  # what the count is kept for: "*" (default_limit) or a route key
    items: tuple[RateLimitItem, ...]  # shortest window first


class GatewayRateLimiter(RequestLimiter):
    """Counts requests in ``storage`` (a ``limits.aio`` storage, opened and closed by the
    caller). Raises ``ConfigError`` naming the key when a limit or a route key is invalid."""

    def __init__(
        self,
        storage: Storage,
        *,
        default_limit: str = "100/minute",
        routes: Mapping[str, str] | None = None,
        trust_forwarded_for: bool = False,
        outage_retry_seconds: float = 5.0,
    ) -> None:
        self._strategy = FixedWindowRateLimiter(storage)
        self._default = _Rule(DEFAULT_SCOPE, _parse("rate_limit.default_limit", default_limit))
        self._routes: dict[tuple[str | None, str], _Rule] = {}
        self._patterns: list[tuple[str | None, re.Pattern[str], _Rule]] = []
        for key, text in (routes or {}).items():
            try:
                method, path = parse_route_key(key)
            except ValueError as exc:
                raise ConfigError(f"rate_limit.routes: {exc}") from None
            if (method, path) in self._routes:
                raise ConfigError(f"rate_limit.routes: {key!r} names a route twice")
            rule = _Rule(route_name(method, path), _parse(f"rate_limit.routes[{key!r}]", text))
            self._routes[method, path] = rule
            if "{" in path:
                self._patterns.append((method, _path_pattern(key, path), rule))
        self._patterns.sort(key=lambda pattern: pattern[0] is None)  # with a method first
        self._trust_forwarded_for = trust_forwarded_for
        self._outage_retry_seconds = outage_retry_seconds
        self._in_outage = False
        self._retry_at = 0.0  # time.monotonic() from which a failed storage is tried again
        self._routes_checked = not self._routes

    async def check(self, request: Request, principal: Principal) -> None:
        scope = request.scope
        if _COUNTED in scope:
            return
        scope[_COUNTED] = True
        if not self._routes_checked:
            self._warn_of_unknown_routes(request.app)
        rule = self._rule_for(request)
        caller = self._caller(request, principal)
        if self._in_outage and time.monotonic() < self._retry_at:
            return
        try:
            refused_by = await self._hit(rule, caller)
        except StorageError as exc:
            self._storage_failed(exc)
            return
        if self._in_outage:
            self._in_outage = False
            logger.warning("rate limiting resumed: its storage answers again")
        if refused_by is not None:
            raise await self._refusal(rule, refused_by, caller)

    async def _hit(self, rule: _Rule, caller: str) -> RateLimitItem | None:
        """Count the request against each of the rule's limits, until one refuses it."""
        for item in rule.items:
            if not await self._strategy.hit(item, rule.scope, caller):
                return item
        return None

    def _rule_for(self, request: Request) -> _Rule:
        routes = self._routes
        if not routes:
            return self._default
        method = request.method
        path = route_path(request)
        template = getattr(request.scope.get("route"), "path", path)
        rule = (
            routes.get((method, path))
            or routes.get((None, path))
            or routes.get((method, template))
            or routes.get((None, template))
        )
        if rule is not None:
            return rule
        # A path another route serves (e.g. an agent's typed invoke route, registered at its
        # own path) is still one the template describes.
        for pattern_method, pattern, pattern_rule in self._patterns:
            if (pattern_method is None or pattern_method == method) and pattern.match(path):
                return pattern_rule
        return self._default

    def _caller(self, request: Request, principal: Principal) -> str:
        if principal is ANONYMOUS or principal is PUBLIC:
            return f"ip:{self._client_address(request)}"
        return f"user:{principal.subject}"

    def _client_address(self, request: Request) -> str:
        """The peer's address, or with ``trust_forwarded_for`` the first ``X-Forwarded-For``
        address (when it is one: anything else there is ignored)."""
        if self._trust_forwarded_for:
            forwarded = request.headers.get("x-forwarded-for")
            if forwarded:
                try:
                    return str(ipaddress.ip_address(forwarded.split(",", 1)[0].strip()))
                except ValueError:
                    pass
        client = request.client
        return client.host if client is not None else "unknown"

    async def _refusal(self, rule: _Rule, item: RateLimitItem, caller: str) -> Exception:
        try:
            stats = await self._strategy.get_window_stats(item, rule.scope, caller)
            reset_at, remaining = stats.reset_time, stats.remaining
        except StorageError:  # counted, then the storage failed: refused all the same
            reset_at, remaining = time.time() + item.get_expiry(), 0
        limit = str(item) if rule.scope == DEFAULT_SCOPE else f"{item} on {rule.scope}"
        return RateLimitExceededError(
            limit, allowed=item.amount, remaining=remaining, reset_at=reset_at
        )

    def _storage_failed(self, exc: StorageError) -> None:
        self._retry_at = time.monotonic() + self._outage_retry_seconds
        if self._in_outage:
            return
        self._in_outage = True
        cause = exc.storage_error
        logger.warning(
            "rate limiting is suspended: its storage failed (%s: %s). Requests are let through "
            "without a limit until it answers again (tried every %g s).",
            type(cause).__name__,
            cause,
            self._outage_retry_seconds,
        )

    def _warn_of_unknown_routes(self, app: Any) -> None:
        """Once, at the first request (the limiter is built before the app's routes): the
        route keys that match no route, so limit nothing."""
        self._routes_checked = True
        routes = [route for route in getattr(app, "routes", ()) if isinstance(route, Route)]
        for (method, path), rule in self._routes.items():
            if not any(_matches(route, method, path) for route in routes):
                logger.warning(
                    "rate_limit.routes: %r matches no route of this gateway, so it limits nothing",
                    rule.scope,
                )


def _matches(route: Route, method: str | None, path: str) -> bool:
    if method is not None and route.methods is not None and method not in route.methods:
        return False
    return route.path == path or route.path_regex.match(path) is not None


def _path_pattern(key: str, path: str) -> re.Pattern[str]:
    """The paths a template describes, as Starlette matches them (``{name}``, ``{name:int}``)."""
    try:
        pattern, _, _ = compile_path(path)
    except (AssertionError, ValueError) as exc:  # Starlette asserts on an unknown convertor
        raise ConfigError(f"rate_limit.routes: route {key!r}: {exc}") from None
    return pattern


def _parse(key: str, text: str) -> tuple[RateLimitItem, ...]:
    try:
        return parse_limits(text)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from None
