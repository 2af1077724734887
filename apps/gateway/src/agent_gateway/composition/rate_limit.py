"""The rate limiter of ``rate_limit:`` (``None`` when it is off), opened and closed with the
gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from agent_gateway.reference_sections import RateLimitSettings
from agent_gateway.services import RequestLimiter


async def open_rate_limiter(config: Mapping[str, Any]) -> AsyncIterator[RequestLimiter | None]:
    """A dependency-injector Resource: the limiter ``rate_limit:`` describes, or ``None``.

    Its storage is opened (and a Redis server asked to answer) before the gateway serves, and
    closed at shutdown. ``limits`` is imported only when rate limiting is on.
    """
    settings = RateLimitSettings.model_validate(config)
    if not settings.enabled:
        yield None
        return
    from agent_gateway.rate_limiting.limiter import GatewayRateLimiter
    from agent_gateway.rate_limiting.storage import open_storage

    async with open_storage(settings.storage_uri, key_prefix=settings.key_prefix) as storage:
        yield GatewayRateLimiter(
            storage,
            default_limit=settings.default_limit,
            routes=settings.routes,
            trust_forwarded_for=settings.trust_forwarded_for,
        )
