"""Where the counts are kept: in this process (``memory://``, the default), or in Redis
(``redis://``, ``rediss://``), where every gateway with the same server, database and key
prefix shares them.

Redis is reached through redis-py's asyncio client (the ``redis`` extra), by a connection pool
opened here and closed at shutdown. Its commands are short: a server that takes a second to
answer is treated as down (the limiter then lets requests through, see ``limiter``), and a
broken connection is retried once, at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from limits.aio.storage import MemoryStorage, RedisStorage, Storage

from agent_gateway.composition.extras import import_adapter
from agent_gateway.rate_limiting.rules import MEMORY_SCHEME, REDIS_SCHEMES, STORAGE_SCHEMES
from agent_gateway_core.errors import BackendUnavailableError, ConfigError

if TYPE_CHECKING:
    from redis.asyncio import ConnectionPool

DEFAULT_KEY_PREFIX = "agent-gateway:rl"
REDIS_TIMEOUT_SECONDS = 1.0


@asynccontextmanager
async def open_storage(uri: str | None, *, key_prefix: str) -> AsyncIterator[Storage]:
    """The storage ``uri`` names (``None``: memory), checked before it is given: a Redis server
    that does not answer stops startup with a ``BackendUnavailableError`` naming it."""
    if not uri or uri.startswith(MEMORY_SCHEME):
        memory = MemoryStorage()
        try:
            yield memory
        finally:
            await memory.reset()
        return
    pool = redis_pool(uri)
    try:
        await _ping(pool, uri)
        yield redis_storage(uri, pool, key_prefix=key_prefix)
    finally:
        await pool.aclose()


def redis_pool(uri: str) -> ConnectionPool:
    """A connection pool to the Redis server of ``uri`` (not connected yet). Options given in
    the URI's query (``?socket_timeout=5``) win over the short timeouts set here."""
    if not uri.startswith(REDIS_SCHEMES):
        raise ConfigError(
            f"rate_limit.storage_uri: {_where(uri)!r} is not a storage this gateway has; "
            f"write one of {', '.join(STORAGE_SCHEMES)}"
        )
    redis = import_adapter(
        "redis.asyncio", feature="rate limits kept in Redis (rate_limit.storage_uri)", extra="redis"
    )
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    pool: ConnectionPool = redis.ConnectionPool.from_url(
        uri,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 1),
    )
    return pool


def redis_storage(uri: str, pool: ConnectionPool, *, key_prefix: str) -> RedisStorage:
    """The ``limits`` storage over ``pool``, with its driver errors wrapped in
    ``limits.errors.StorageError``; the caller closes the pool."""
    options: dict[str, Any] = {"connection_pool": pool}
    return RedisStorage(
        uri, implementation="redispy", key_prefix=key_prefix, wrap_exceptions=True, **options
    )


async def _ping(pool: ConnectionPool, uri: str) -> None:
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    try:
        await Redis(connection_pool=pool).ping()
    except (RedisError, OSError) as exc:
        raise BackendUnavailableError(
            f"rate_limit.storage_uri: the Redis server at {_where(uri)} does not answer "
            f"({type(exc).__name__}: {exc}); the rate limits are kept there, so the gateway "
            "does not start without it"
        ) from exc


def _where(uri: str) -> str:
    """``uri`` without its credentials: never echo a password."""
    scheme, sep, rest = uri.partition("://")
    return f"{scheme}{sep}{rest.rsplit('@', 1)[-1]}"
