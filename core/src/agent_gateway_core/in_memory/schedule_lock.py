"""In-memory ScheduleLock."""

from __future__ import annotations

import secrets

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.schedule_lock import LockLease, ScheduleLock


class InMemoryScheduleLock(ScheduleLock):
    """Leases in a dict, expiring on ``clock.monotonic()``; one process only.

    Each call completes without awaiting, so the event loop makes acquire atomic.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._holders: dict[str, tuple[str, float]] = {}  # key -> (token, expires at)

    async def acquire(self, key: str, ttl_seconds: float) -> LockLease | None:
        _check_ttl(ttl_seconds)
        if self._held_by(key) is not None:
            return None
        lease = LockLease(key=key, token=secrets.token_hex(16), ttl_seconds=ttl_seconds)
        self._holders[key] = (lease.token, self._clock.monotonic() + ttl_seconds)
        return lease

    async def release(self, lease: LockLease) -> bool:
        if self._held_by(lease.key) != lease.token:
            return False
        del self._holders[lease.key]
        return True

    async def extend(self, lease: LockLease, ttl_seconds: float) -> bool:
        _check_ttl(ttl_seconds)
        if self._held_by(lease.key) != lease.token:
            return False
        self._holders[lease.key] = (lease.token, self._clock.monotonic() + ttl_seconds)
        return True

    def _held_by(self, key: str) -> str | None:
        holder = self._holders.get(key)
        if holder is None:
            return None
        token, expires_at = holder
        if expires_at <= self._clock.monotonic():
            del self._holders[key]
            return None
        return token


def _check_ttl(ttl_seconds: float) -> None:
    if ttl_seconds <= 0:
        raise ValueError(f"lock ttl_seconds must be positive, got {ttl_seconds}")
