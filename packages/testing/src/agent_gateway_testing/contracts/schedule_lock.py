"""Contract of ScheduleLock: one holder per key, leases that expire, release and extend."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import ClassVar

import pytest

from agent_gateway_core.ports.schedule_lock import LockLease, ScheduleLock
from agent_gateway_testing.contracts._required import fixture_required
from agent_gateway_testing.contracts.timing import AdvanceTime, let_real_time_pass


class ScheduleLockContract:
    """Every sentence of the ScheduleLock docstring.

    Subclasses override ``schedule_lock`` (no key held), and ``advance_time`` when the lock
    runs on a fake clock; by default real time passes.
    """

    pytestmark = pytest.mark.asyncio

    ttl_seconds: ClassVar[float] = 0.5

    @pytest.fixture
    def schedule_lock(self) -> ScheduleLock:
        fixture_required(self, "schedule_lock")

    @pytest.fixture
    def advance_time(self) -> AdvanceTime:
        return let_real_time_pass

    async def _acquire(self, lock: ScheduleLock, key: str = "schedule:a") -> LockLease:
        lease = await lock.acquire(key, self.ttl_seconds)
        assert lease is not None, f"expected to acquire the free key {key!r}"
        return lease

    async def test_acquire_a_free_key_gives_a_lease(self, schedule_lock: ScheduleLock) -> None:
        lease = await self._acquire(schedule_lock)
        assert (lease.key, lease.ttl_seconds) == ("schedule:a", self.ttl_seconds)
        assert lease.token

    async def test_acquire_a_held_key_returns_none_without_waiting(
        self, schedule_lock: ScheduleLock
    ) -> None:
        await self._acquire(schedule_lock)
        second = await asyncio.wait_for(
            schedule_lock.acquire("schedule:a", self.ttl_seconds), self.ttl_seconds / 2
        )
        assert second is None

    async def test_keys_are_independent(self, schedule_lock: ScheduleLock) -> None:
        await self._acquire(schedule_lock, "schedule:a")
        await self._acquire(schedule_lock, "schedule:b")

    async def test_release_frees_the_key(self, schedule_lock: ScheduleLock) -> None:
        lease = await self._acquire(schedule_lock)
        assert await schedule_lock.release(lease) is True
        await self._acquire(schedule_lock)

    async def test_release_twice_returns_false(self, schedule_lock: ScheduleLock) -> None:
        lease = await self._acquire(schedule_lock)
        await schedule_lock.release(lease)
        assert await schedule_lock.release(lease) is False

    async def test_a_foreign_lease_cannot_release_or_extend(
        self, schedule_lock: ScheduleLock
    ) -> None:
        lease = await self._acquire(schedule_lock)
        forged = dataclasses.replace(lease, token="not-" + lease.token)
        assert await schedule_lock.release(forged) is False
        assert await schedule_lock.extend(forged, self.ttl_seconds) is False
        assert await schedule_lock.acquire("schedule:a", self.ttl_seconds) is None

    async def test_a_lease_expires_after_its_ttl(
        self, schedule_lock: ScheduleLock, advance_time: AdvanceTime
    ) -> None:
        old = await self._acquire(schedule_lock)
        await advance_time(self.ttl_seconds * 1.5)
        new = await self._acquire(schedule_lock)
        assert new.token != old.token
        assert await schedule_lock.release(old) is False
        assert await schedule_lock.extend(old, self.ttl_seconds) is False
        assert await schedule_lock.release(new) is True

    async def test_an_expired_lease_cannot_be_extended(
        self, schedule_lock: ScheduleLock, advance_time: AdvanceTime
    ) -> None:
        lease = await self._acquire(schedule_lock)
        await advance_time(self.ttl_seconds * 1.5)
        assert await schedule_lock.extend(lease, self.ttl_seconds) is False

    async def test_extend_renews_a_held_lease(
        self, schedule_lock: ScheduleLock, advance_time: AdvanceTime
    ) -> None:
        lease = await self._acquire(schedule_lock)
        await advance_time(self.ttl_seconds * 0.6)
        assert await schedule_lock.extend(lease, self.ttl_seconds) is True
        await advance_time(self.ttl_seconds * 0.6)  # past the first ttl, within the renewed one
        assert await schedule_lock.acquire("schedule:a", self.ttl_seconds) is None
        assert await schedule_lock.release(lease) is True

    async def test_concurrent_acquires_give_exactly_one_lease(
        self, schedule_lock: ScheduleLock
    ) -> None:
        leases = await asyncio.gather(
            *(schedule_lock.acquire("schedule:a", self.ttl_seconds) for _ in range(10))
        )
        assert sum(lease is not None for lease in leases) == 1
