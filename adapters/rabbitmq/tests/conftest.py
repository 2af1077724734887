"""Queues on the RabbitMQ of this machine, each with a unique name, deleted after the test
with their dead letters and signals."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import aio_pika
import pytest

from agent_gateway_rabbitmq import RabbitMQQueue

RABBITMQ_URL = os.environ.get(
    "AGENT_GATEWAY_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"
)

MakeQueue = Callable[..., Awaitable[RabbitMQQueue]]


def unique_queue_name() -> str:
    return f"agw-test.{uuid.uuid4().hex[:12]}"


async def delete_broker_objects(queue_name: str) -> None:
    connection = await aio_pika.connect(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        for name in (queue_name, f"{queue_name}.dead"):
            await channel.queue_delete(name)
        for name in (f"{queue_name}.dead", f"{queue_name}.signals"):
            await channel.exchange_delete(name)


@pytest.fixture
async def make_queue() -> AsyncIterator[MakeQueue]:
    """Builds opened queues; by default all on one fresh queue name (so two of them are two
    processes sharing it)."""
    made: list[RabbitMQQueue] = []
    name = unique_queue_name()

    async def make(**options: object) -> RabbitMQQueue:
        settings: dict[str, object] = {"queue_name": name, "poll_interval_seconds": 0.1}
        settings.update(options)
        queue = RabbitMQQueue(RABBITMQ_URL, **settings)  # type: ignore[arg-type]
        made.append(queue)
        await queue.open()
        return queue

    yield make
    for queue in made:
        await queue.aclose()
    with contextlib.suppress(Exception):
        await delete_broker_objects(name)
