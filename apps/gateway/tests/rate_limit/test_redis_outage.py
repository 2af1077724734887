"""When Redis stops answering, requests are let through (one warning), and counting resumes
when it answers again. Redis is reached through a TCP relay the test cuts and restores."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from agent_gateway.rate_limiting.limiter import GatewayRateLimiter
from agent_gateway.rate_limiting.storage import open_storage
from agent_gateway_core.errors import RateLimitExceededError
from agent_gateway_testing.tcp_relay import TcpRelay

from .conftest import RedisTarget
from .test_limiter import ALICE, passes, repeated, request

pytestmark = pytest.mark.integration


@pytest.fixture
async def relay(redis_target: RedisTarget) -> AsyncIterator[TcpRelay]:
    host_port = redis_target.url.split("://", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    relay = TcpRelay(host, int(port))
    await relay.start()
    yield relay
    await relay.aclose()


async def test_an_outage_lets_requests_through_with_one_warning_then_counting_resumes(
    redis_target: RedisTarget, relay: TcpRelay, caplog: pytest.LogCaptureFixture
) -> None:
    database = redis_target.url.rsplit("/", 1)[1]
    uri = f"redis://127.0.0.1:{relay.port}/{database}"
    caplog.set_level(logging.WARNING, logger="agent_gateway.rate_limit")
    async with open_storage(uri, key_prefix=redis_target.key_prefix) as storage:
        limiter = GatewayRateLimiter(storage, default_limit="2/minute", outage_retry_seconds=0)
        assert await passes(limiter, *repeated(3, ALICE)) == [True, True, False]

        await relay.cut()
        during = await passes(limiter, *repeated(5, ALICE))
        await relay.start()
        with pytest.raises(RateLimitExceededError):  # the count kept in Redis holds again
            await limiter.check(request(), ALICE)

    assert during == [True] * 5
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2, messages
    assert messages[0].startswith("rate limiting is suspended: its storage failed (")
    assert "Requests are let through without a limit until it answers again" in messages[0]
    assert messages[1] == "rate limiting resumed: its storage answers again"


async def test_while_suspended_the_storage_is_not_asked_until_the_retry_time(
    redis_target: RedisTarget, relay: TcpRelay
) -> None:
    database = redis_target.url.rsplit("/", 1)[1]
    uri = f"redis://127.0.0.1:{relay.port}/{database}"
    async with open_storage(uri, key_prefix=redis_target.key_prefix) as storage:
        limiter = GatewayRateLimiter(storage, default_limit="1/minute", outage_retry_seconds=60)
        await relay.cut()
        assert await passes(limiter, *repeated(2, ALICE)) == [True, True]
        await relay.start()

        # Redis answers again, but the limiter waits out its retry time before asking.
        assert await passes(limiter, *repeated(3, ALICE)) == [True, True, True]
