"""Construction from settings, and an unreachable broker."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest

from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.execution_queue import ExecutionJob, ExecutionQueue
from agent_gateway_rabbitmq import RabbitMQQueue


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_from_settings_reads_the_queue_section() -> None:
    queue = RabbitMQQueue.from_settings(
        {
            "backend": "rabbitmq",
            "url": None,
            "rabbitmq_url": "amqp://worker:s3cret@rabbit.example:5673/prod",
            "queue_name": "jobs",
            "max_retries": 2,
            "visibility_timeout_s": 60,
            "redis_url": "redis://ignored",
        }
    )
    assert isinstance(queue, ExecutionQueue)
    assert queue.max_attempts == 3
    assert queue.visibility_timeout_seconds == 60
    assert (queue.queue_name, queue.dead_letter_name) == ("jobs", "jobs.dead")
    assert queue.display_url == "amqp://worker:***@rabbit.example:5673/prod"
    assert "s3cret" not in repr(queue)


def test_from_settings_defaults() -> None:
    queue = RabbitMQQueue.from_settings({})
    assert (queue.queue_name, queue.max_attempts) == ("ag.executions", 4)
    assert queue.visibility_timeout_seconds == 300


@pytest.mark.parametrize(
    "options",
    [{"max_attempts": 0}, {"visibility_timeout_seconds": 0}, {"cancel_ttl_seconds": -1}],
)
def test_bad_numbers_are_refused(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        RabbitMQQueue(**options)  # type: ignore[arg-type]


@pytest.mark.integration
async def test_an_unreachable_broker_is_backend_unavailable_without_the_password() -> None:
    port = closed_port()
    queue = RabbitMQQueue(f"amqp://guest:s3cret@127.0.0.1:{port}/", connect_timeout_seconds=2)
    job = ExecutionJob(
        execution_id="exec-1", agent_id="agent-a", enqueued_at=datetime(2024, 1, 1, tzinfo=UTC)
    )
    with pytest.raises(BackendUnavailableError) as caught:
        await queue.enqueue(job)
    assert caught.value.backend == "the RabbitMQ queue"
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "s3cret" not in str(caught.value)
    assert "s3cret" not in caught.value.public_message
    with pytest.raises(BackendUnavailableError):
        await queue.receive(0.1)
    await queue.aclose()
    await queue.aclose()


async def test_a_closed_queue_refuses_work() -> None:
    queue = RabbitMQQueue(f"amqp://guest:guest@127.0.0.1:{closed_port()}/")
    await queue.aclose()
    with pytest.raises(BackendUnavailableError, match="closed"):
        await queue.pending_count()
