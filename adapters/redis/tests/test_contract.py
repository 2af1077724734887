"""RedisStreamsQueue passes the whole ExecutionQueue contract against a real Redis."""

from __future__ import annotations

import pytest

from agent_gateway_redis import RedisStreamsQueue
from agent_gateway_testing.contracts import ExecutionQueueContract

from .conftest import MakeQueue

pytestmark = pytest.mark.integration


class TestRedisStreamsQueue(ExecutionQueueContract):
    @pytest.fixture
    def queue(self, make_queue: MakeQueue) -> RedisStreamsQueue:
        return make_queue(
            max_attempts=3,
            visibility_timeout_seconds=self.visibility_timeout_seconds,
            cancel_ttl_seconds=self.cancel_ttl_seconds,
        )
