"""ScheduleLock port: at most one replica fires a schedule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class LockLease:
    key: str
    token: str  # identifies this holder; only it can release or extend
    ttl_seconds: float


@runtime_checkable
class ScheduleLock(Protocol):
    """A distributed lock with expiry, used so that one replica runs each cron firing.

    - ``acquire(key, ttl_seconds)`` returns a lease when the key is free (or its previous lease
      expired) and ``None`` when another holder has it. It never waits.
    - ``release(lease)`` frees the key only if ``lease`` still holds it; releasing an expired
      or foreign lease is a no-op that returns ``False``.
    - ``extend(lease, ttl_seconds)`` renews a lease still held and returns ``True``; ``False``
      when it was lost.
    - Expiry is measured by the lock's own clock; a lease is lost ``ttl_seconds`` after it was
      acquired or last extended.
    """

    async def acquire(self, key: str, ttl_seconds: float) -> LockLease | None: ...

    async def release(self, lease: LockLease) -> bool: ...

    async def extend(self, lease: LockLease, ttl_seconds: float) -> bool: ...
