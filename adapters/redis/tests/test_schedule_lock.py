"""RedisScheduleLock passes the ScheduleLock contract against a real Redis, and more."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.schedule_lock import LockLease, ScheduleLock
from agent_gateway_redis import RedisScheduleLock
from agent_gateway_testing.contracts import ScheduleLockContract

from .conftest import REDIS_URL

pytestmark = pytest.mark.integration

MakeLock = Callable[..., RedisScheduleLock]
PASSWORD = "s3cret-pa55word"


@pytest.fixture
def lock_prefix(key_prefix: str) -> str:
    return f"{key_prefix}:sched-lock:"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """A client of the test database, to look at the keys the locks write."""
    client = Redis.from_url(REDIS_URL)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def make_lock(lock_prefix: str, redis: Redis) -> AsyncIterator[MakeLock]:
    """Locks under this test's own prefix; all closed, and their keys deleted, afterwards."""
    made: list[RedisScheduleLock] = []

    def make(**options: Any) -> RedisScheduleLock:
        if "client" not in options:
            options.setdefault("url", REDIS_URL)
        options.setdefault("key_prefix", lock_prefix)
        lock = RedisScheduleLock(**options)
        made.append(lock)
        return lock

    yield make
    for lock in made:
        await lock.aclose()
    keys = [key async for key in redis.scan_iter(match=f"{lock_prefix}*")]
    if keys:
        await redis.delete(*keys)


class TestRedisScheduleLock(ScheduleLockContract):
    @pytest.fixture
    def schedule_lock(self, make_lock: MakeLock) -> ScheduleLock:
        return make_lock()


async def _acquire(lock: RedisScheduleLock, key: str, ttl_seconds: float = 5.0) -> LockLease:
    lease = await lock.acquire(key, ttl_seconds)
    assert lease is not None, f"expected to acquire the free key {key!r}"
    return lease


async def test_the_lock_is_a_key_under_the_prefix_holding_the_token_with_a_ttl(
    make_lock: MakeLock, lock_prefix: str, redis: Redis
) -> None:
    lease = await _acquire(make_lock(), "agent-a/daily", ttl_seconds=5.0)

    raw_key = f"{lock_prefix}agent-a/daily"
    assert await redis.get(raw_key) == lease.token.encode()
    assert 0 < await redis.pttl(raw_key) <= 5000
    assert await redis.exists("agent-a/daily") == 0


async def test_extend_sets_the_new_ttl_and_release_deletes_the_key(
    make_lock: MakeLock, lock_prefix: str, redis: Redis
) -> None:
    lock = make_lock()
    lease = await _acquire(lock, "k", ttl_seconds=1.0)

    assert await lock.extend(lease, 30.0) is True
    assert 1000 < await redis.pttl(f"{lock_prefix}k") <= 30_000
    assert await lock.release(lease) is True
    assert await redis.exists(f"{lock_prefix}k") == 0


async def test_a_sub_millisecond_ttl_is_rounded_up_not_rejected(make_lock: MakeLock) -> None:
    lock = make_lock()
    lease = await _acquire(lock, "k", ttl_seconds=0.0004)
    assert lease.ttl_seconds == 0.0004
    await lock.extend(lease, 0.0004)  # PX / PEXPIRE 0 would be an error, not a lease


async def test_two_lock_objects_exclude_each_other_like_two_processes(
    make_lock: MakeLock,
) -> None:
    first, second = make_lock(), make_lock()

    lease = await _acquire(first, "schedule:nightly")
    assert await second.acquire("schedule:nightly", 5.0) is None
    assert await second.release(LockLease("schedule:nightly", "guess", 5.0)) is False

    # The lease is the holder's proof, whichever object presents it.
    assert await second.release(lease) is True
    taken = await _acquire(second, "schedule:nightly")
    assert await first.acquire("schedule:nightly", 5.0) is None
    assert await first.extend(lease, 5.0) is False
    assert await second.release(taken) is True


async def test_locks_under_different_prefixes_do_not_share_keys(
    make_lock: MakeLock, lock_prefix: str
) -> None:
    await _acquire(make_lock(), "k")
    await _acquire(make_lock(key_prefix=f"{lock_prefix}other:"), "k")


@pytest.mark.parametrize("ttl", [0.0, -1.0, math.nan, math.inf])
async def test_a_ttl_that_is_not_a_positive_number_is_a_value_error(
    make_lock: MakeLock, ttl: float
) -> None:
    lock = make_lock()
    with pytest.raises(ValueError, match="ttl_seconds must be"):
        await lock.acquire("k", ttl)
    lease = await _acquire(lock, "k")
    with pytest.raises(ValueError, match="ttl_seconds must be"):
        await lock.extend(lease, ttl)


async def test_a_client_passed_in_is_used_and_left_open(
    make_lock: MakeLock, lock_prefix: str, redis: Redis
) -> None:
    lock = make_lock(client=redis)
    lease = await _acquire(lock, "k")

    await lock.aclose()
    assert await redis.get(f"{lock_prefix}k") == lease.token.encode()


async def test_aclose_twice_is_harmless(make_lock: MakeLock) -> None:
    async with make_lock() as lock:
        await _acquire(lock, "k")
    await lock.aclose()


def test_from_settings_reads_the_distributed_lock_section() -> None:
    lock = RedisScheduleLock.from_settings(
        {"redis_url": "redis://127.0.0.1:6379/3", "key_prefix": "x:", "lock_ttl_seconds": 300}
    )
    assert (lock.server, lock.key_prefix) == ("redis://127.0.0.1:6379/3", "x:")
    assert lock.redis_key("k") == "x:k"
    assert RedisScheduleLock.from_settings({}).key_prefix == "ag:sched-lock:"


def test_a_url_and_a_client_together_are_refused(redis: Redis) -> None:
    with pytest.raises(ValueError, match="not both"):
        RedisScheduleLock(REDIS_URL, client=redis)


# ---------------------------------------------------------------- an unreachable Redis

LEASE = LockLease(key="k", token="t", ttl_seconds=5.0)
CALLS: dict[str, Callable[[RedisScheduleLock], Awaitable[object]]] = {
    "acquire": lambda lock: lock.acquire("k", 5.0),
    "release": lambda lock: lock.release(LEASE),
    "extend": lambda lock: lock.extend(LEASE, 5.0),
}


@pytest.mark.parametrize("call", CALLS)
async def test_a_dead_redis_is_backend_unavailable_naming_the_cause_not_the_password(
    make_lock: MakeLock, call: str
) -> None:
    # Port 1 is privileged: nothing listens there, so the connection is refused.
    lock = make_lock(url=f"redis://worker:{PASSWORD}@127.0.0.1:1/0", operation_timeout_seconds=1.0)
    with pytest.raises(BackendUnavailableError) as raised:
        await CALLS[call](lock)

    message = str(raised.value)
    assert message.startswith("the Redis schedule lock at redis://127.0.0.1:1/0 is unavailable")
    assert "ConnectionError" in message  # the cause
    assert PASSWORD not in message
    assert "worker" not in message
    assert raised.value.backend == "the Redis schedule lock"
