"""InMemoryScheduleLock beyond its contract: bad TTLs."""

from __future__ import annotations

import pytest

from agent_gateway_core.testing import InMemoryScheduleLock

pytestmark = pytest.mark.unit


async def test_a_non_positive_ttl_is_refused() -> None:
    lock = InMemoryScheduleLock()
    with pytest.raises(ValueError, match="ttl_seconds must be positive"):
        await lock.acquire("k", 0)
    lease = await lock.acquire("k", 1)
    assert lease is not None
    with pytest.raises(ValueError, match="ttl_seconds must be positive"):
        await lock.extend(lease, -1)
