"""RabbitMQQueue passes the whole ExecutionQueue contract against a real broker."""

from __future__ import annotations

import pytest

from agent_gateway_rabbitmq import RabbitMQQueue
from agent_gateway_testing.contracts import ExecutionQueueContract

from .conftest import MakeQueue

pytestmark = pytest.mark.integration


class TestRabbitMQQueue(ExecutionQueueContract):
    @pytest.fixture
    async def queue(self, make_queue: MakeQueue) -> RabbitMQQueue:
        return await make_queue(
            max_attempts=2,
            visibility_timeout_seconds=self.visibility_timeout_seconds,
            cancel_ttl_seconds=self.cancel_ttl_seconds,
        )
