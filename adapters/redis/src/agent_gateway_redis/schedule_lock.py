"""RedisScheduleLock: the ScheduleLock port on Redis string keys with a millisecond TTL."""

from __future__ import annotations

import contextlib
import math
import secrets
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

from redis import exceptions as redis_errors
from redis.asyncio import Redis

from agent_gateway_core.ports.schedule_lock import LockLease, ScheduleLock
from agent_gateway_redis._connection import DEFAULT_URL, connect
from agent_gateway_redis._errors import unavailable_as_core_error

DEFAULT_KEY_PREFIX = "ag:sched-lock:"
BACKEND = "the Redis schedule lock"

# KEYS: the lock key. ARGV: the lease's token. Deletes the key only while that token holds it;
# GET and DEL in one script, so a lease that expired and was taken by another in between is
# never deleted. Returns 1 when released, 0 otherwise.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# KEYS: the lock key. ARGV: the lease's token, the new TTL in ms. Returns 1 when renewed,
# 0 when the key expired or is held by another token.
_EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""


class RedisScheduleLock(ScheduleLock):
    """One Redis key per lock, ``key_prefix + key``, holding the lease's token.

    - ``acquire`` is ``SET key token NX PX ttl``: Redis grants it to one caller and expires it
      on its own clock, so replicas need no synchronised clocks.
    - ``release`` and ``extend`` compare the token and ``DEL`` / ``PEXPIRE`` in one Lua
      script, so only the current holder frees or renews the key.

    TTLs are rounded up to whole milliseconds. Connection failures, timeouts and other driver
    errors raise ``BackendUnavailableError`` naming the server, never its password. A client
    passed in is used as is and not closed by ``aclose``.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Redis | None = None,
        key_prefix: str = DEFAULT_KEY_PREFIX,
        operation_timeout_seconds: float = 5.0,
    ) -> None:
        if operation_timeout_seconds <= 0:
            raise ValueError(
                f"operation_timeout_seconds must be positive, got {operation_timeout_seconds}"
            )
        connection = connect(
            url, client, timeout_seconds=operation_timeout_seconds, purpose="the schedule lock"
        )
        self._server: str = connection.server
        self._owns_client = connection.owned
        client = connection.client
        self._client: Redis = client
        self._prefix = key_prefix
        self._release = client.register_script(_RELEASE)
        self._extend = client.register_script(_EXTEND)
        self._closed = False

    @classmethod
    def from_settings(cls, options: Mapping[str, Any]) -> RedisScheduleLock:
        """From gateway.yaml's ``scheduler.distributed_lock`` section: ``redis_url`` (or
        ``url``) and ``key_prefix``. Other keys are ignored."""
        url = options.get("url") or options.get("redis_url") or DEFAULT_URL
        prefix = options.get("key_prefix")
        return cls(str(url), key_prefix=DEFAULT_KEY_PREFIX if prefix is None else str(prefix))

    @property
    def server(self) -> str:
        """The Redis server, as error messages name it: no user name, no password."""
        return self._server

    @property
    def key_prefix(self) -> str:
        """Prepended to every lock key to form the Redis key."""
        return self._prefix

    def redis_key(self, key: str) -> str:
        """The Redis key that holds the lock ``key``."""
        return self._prefix + key

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ the port

    async def acquire(self, key: str, ttl_seconds: float) -> LockLease | None:
        ttl_ms = _ttl_ms(ttl_seconds)
        token = secrets.token_hex(16)
        with self._unavailable_as_core_error():
            acquired = await self._client.set(self.redis_key(key), token, nx=True, px=ttl_ms)
        if not acquired:
            return None
        return LockLease(key=key, token=token, ttl_seconds=ttl_seconds)

    async def release(self, lease: LockLease) -> bool:
        with self._unavailable_as_core_error():
            released = await self._release(keys=[self.redis_key(lease.key)], args=[lease.token])
        return int(released) == 1

    async def extend(self, lease: LockLease, ttl_seconds: float) -> bool:
        ttl_ms = _ttl_ms(ttl_seconds)
        with self._unavailable_as_core_error():
            extended = await self._extend(
                keys=[self.redis_key(lease.key)], args=[lease.token, ttl_ms]
            )
        return int(extended) == 1

    async def aclose(self) -> None:
        """Close the client this lock created; a second call does nothing."""
        if self._closed:
            return
        self._closed = True
        if self._owns_client:
            with contextlib.suppress(redis_errors.RedisError, OSError):
                await self._client.aclose()

    # ------------------------------------------------------------------ internals

    def _unavailable_as_core_error(self) -> contextlib.AbstractContextManager[None]:
        # Broader than the queue's mapping: a lock has no error of its own to report, so any
        # driver error (a read-only replica, OOM) means the lock cannot be trusted right now.
        return unavailable_as_core_error(
            self._server, backend=BACKEND, errors=(redis_errors.RedisError,)
        )


def _ttl_ms(ttl_seconds: float) -> int:
    """Whole milliseconds, rounded up so a lease never expires before ``ttl_seconds``."""
    if not ttl_seconds > 0:  # also rejects NaN
        raise ValueError(f"lock ttl_seconds must be positive, got {ttl_seconds}")
    if math.isinf(ttl_seconds):
        raise ValueError("lock ttl_seconds must be finite, got inf")
    return max(1, math.ceil(ttl_seconds * 1000))
