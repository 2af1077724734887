"""The ExecutionQueue the settings ask for: in-process, Redis Streams, RabbitMQ, or none.

``none`` is a real choice, not an absence: background executions then run in tasks of the
process that accepted them (no worker process can take them over).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, NamedTuple

from agent_gateway.composition.extras import import_adapter
from agent_gateway.settings import QueueSettings
from agent_gateway_core.in_memory import InMemoryExecutionQueue
from agent_gateway_core.ports.execution_queue import ExecutionQueue


class QueueAdapter(NamedTuple):
    module: str
    class_name: str
    feature: str
    extra: str


# Each queue adapter, imported only when chosen so a missing extra names its install line.
QUEUE_ADAPTERS: dict[str, QueueAdapter] = {
    "redis": QueueAdapter("agent_gateway_redis", "RedisStreamsQueue", "the Redis queue", "redis"),
    "rabbitmq": QueueAdapter(
        "agent_gateway_rabbitmq", "RabbitMQQueue", "the RabbitMQ queue", "rabbitmq"
    ),
}


def queue_from_settings(config: Mapping[str, Any]) -> QueueSettings:
    """gateway.yaml's ``queue`` (already validated with the rest of the file)."""
    return QueueSettings.model_validate(config)


def memory_queue(settings: QueueSettings) -> InMemoryExecutionQueue:
    """The in-process queue: a failing job runs ``max_retries`` more times (as the existing
    product retries it), and a job not acknowledged within ``visibility_timeout_s`` is
    redelivered."""
    return InMemoryExecutionQueue(
        max_attempts=settings.max_retries + 1,
        visibility_timeout_seconds=settings.visibility_timeout_s,
    )


def adapter_queue(settings: QueueSettings) -> ExecutionQueue:
    """The Redis or RabbitMQ queue, built by its adapter from the ``queue`` settings."""
    adapter = QUEUE_ADAPTERS[settings.backend]
    module = import_adapter(adapter.module, feature=adapter.feature, extra=adapter.extra)
    queue: ExecutionQueue = getattr(module, adapter.class_name).from_settings(settings.model_dump())
    return queue


async def open_queue(queue: ExecutionQueue | None) -> AsyncIterator[ExecutionQueue | None]:
    """The queue, closed at shutdown (``None``: background runs stay in this process)."""
    try:
        yield queue
    finally:
        if queue is not None:
            await queue.aclose()
