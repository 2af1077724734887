"""InMemoryExecutionQueue passes the ExecutionQueue contract on a ManualClock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent_gateway_core.testing import InMemoryExecutionQueue, ManualClock
from agent_gateway_testing.contracts import (
    AdvanceTime,
    ExecutionQueueContract,
    advance_manual_clock,
)

pytestmark = pytest.mark.unit


class TestInMemoryExecutionQueue(ExecutionQueueContract):
    @pytest.fixture
    async def queue(self, manual_clock: ManualClock) -> AsyncIterator[InMemoryExecutionQueue]:
        queue = InMemoryExecutionQueue(
            max_attempts=3,
            visibility_timeout_seconds=self.visibility_timeout_seconds,
            cancel_ttl_seconds=self.cancel_ttl_seconds,
            clock=manual_clock,
        )
        yield queue
        await queue.aclose()

    @pytest.fixture
    def advance_time(self, manual_clock: ManualClock) -> AdvanceTime:
        return advance_manual_clock(manual_clock)


class TestInMemoryExecutionQueueOnTheSystemClock(ExecutionQueueContract):
    """The same contract with real time passing, as a Redis or RabbitMQ adapter runs it."""

    visibility_timeout_seconds = 0.2
    cancel_ttl_seconds = 0.2

    @pytest.fixture
    async def queue(self) -> AsyncIterator[InMemoryExecutionQueue]:
        queue = InMemoryExecutionQueue(
            max_attempts=2,
            visibility_timeout_seconds=self.visibility_timeout_seconds,
            cancel_ttl_seconds=self.cancel_ttl_seconds,
        )
        yield queue
        await queue.aclose()
