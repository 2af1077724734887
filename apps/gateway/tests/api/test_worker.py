"""The gateway's queue worker: at-least-once jobs made effectively-once, cancellation, failures."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.ports.execution_queue import ExecutionJob
from agent_gateway_core.testing import ScriptedLLM, ScriptedReply

from .conftest import NewGateway

pytestmark = pytest.mark.integration


def running(gateway: Gateway) -> GatewayServices:
    assert gateway.services is not None
    return gateway.services


async def queue_execution(
    services: GatewayServices, execution_id: str, agent_id: str = "assistant", **payload: object
) -> ExecutionJob:
    """Store a queued execution and enqueue its job, as the API does."""
    now = services.clock.now()
    await services.persistence.executions.create(
        ExecutionRecord(
            id=execution_id,
            agent_id=agent_id,
            status=ExecutionStatus.QUEUED,
            message="hi",
            created_at=now,
        )
    )
    job = ExecutionJob(
        execution_id=execution_id, agent_id=agent_id, enqueued_at=now, payload=dict(payload)
    )
    assert services.queue is not None
    await services.queue.enqueue(job)
    return job


async def status_of(
    services: GatewayServices, execution_id: str, *wanted: ExecutionStatus
) -> ExecutionRecord:
    async with asyncio.timeout(5):
        while True:
            record = await services.persistence.executions.get(execution_id)
            assert record is not None
            if record.status in wanted:
                return record
            await asyncio.sleep(0.02)


async def test_a_job_cancelled_after_delivery_is_recorded_cancelled_and_acked(
    gateway: Gateway, model: ScriptedLLM
) -> None:
    services = running(gateway)
    await services.runtime.stop_worker()
    assert services.queue is not None
    await queue_execution(services, "e-1")
    delivery = await services.queue.receive(1.0)
    assert delivery is not None
    await services.queue.request_cancel("e-1")

    await services.runtime.run_job(delivery)

    record = await status_of(services, "e-1", ExecutionStatus.CANCELLED)
    assert record.error == "execution was cancelled before it started"
    assert await services.queue.pending_count() == 0
    assert model.requests == []


async def test_a_redelivered_job_of_a_finished_execution_does_not_run_again(
    gateway: Gateway, model: ScriptedLLM
) -> None:
    services = running(gateway)
    await queue_execution(services, "e-2")
    await status_of(services, "e-2", ExecutionStatus.SUCCEEDED)
    assert services.queue is not None
    await services.runtime.stop_worker()
    await services.queue.enqueue(
        ExecutionJob(execution_id="e-2", agent_id="assistant", enqueued_at=services.clock.now())
    )
    delivery = await services.queue.receive(1.0)
    assert delivery is not None

    await services.runtime.run_job(delivery)

    assert len(model.requests) == 1
    assert await services.queue.pending_count() == 0


async def test_a_job_that_can_never_run_fails_its_execution_without_retries(
    gateway: Gateway,
) -> None:
    services = running(gateway)

    await queue_execution(services, "e-3", agent_id="dormant")

    record = await status_of(services, "e-3", ExecutionStatus.FAILED)
    assert record.error == "agent is disabled: 'dormant'"
    assert services.queue is not None
    assert await services.queue.dead_letters() == []


async def test_an_unexpected_failure_is_retried_then_recorded_as_failed(gateway: Gateway) -> None:
    services = running(gateway)

    await queue_execution(services, "e-4", options={"temperature": 9})

    record = await status_of(services, "e-4", ExecutionStatus.FAILED)
    assert record.error is not None
    assert record.error.startswith("gave up after 4 attempt(s)")  # max_retries: 3
    assert "temperature" in record.error
    assert services.queue is not None
    assert [job.execution_id for job in await services.queue.dead_letters()] == ["e-4"]


async def test_a_cancel_requested_through_the_queue_reaches_the_running_execution(
    gateway: Gateway, model: ScriptedLLM
) -> None:
    services = running(gateway)
    model.push(ScriptedReply(hang=True))
    await queue_execution(services, "e-5")
    await status_of(services, "e-5", ExecutionStatus.RUNNING)
    assert services.queue is not None

    await services.queue.request_cancel("e-5")  # as another process sharing the queue would

    record = await status_of(services, "e-5", ExecutionStatus.CANCELLED)
    assert record.stop_reason == "cancelled"


async def test_without_a_queue_background_executions_run_in_process(
    new_gateway: NewGateway, model: ScriptedLLM
) -> None:
    gw = new_gateway().use_queue(None)
    async with (
        gw,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gw),
            base_url="http://gateway",
            headers={"Authorization": "Bearer sk-alice"},
        ) as client,
    ):
        accepted = await client.post(
            "/v1/agents/assistant/invoke", json={"message": "hi", "async": True}
        )
        assert accepted.status_code == 202
        record = await status_of(
            running(gw), accepted.json()["execution_id"], ExecutionStatus.SUCCEEDED
        )
    assert record.raw_text == "echo: hi"
    assert len(model.requests) == 1


async def test_queue_workers_bounds_the_background_executions_run_at_once(
    new_gateway: NewGateway, model: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_QUEUE__WORKERS", "1")  # the existing product's key
    model.push(ScriptedReply(hang=True), ScriptedReply(hang=True))
    async with new_gateway() as gw:
        services = running(gw)
        first = await services.runtime.submit(ExecutionRequest(agent_id="assistant", message="a"))
        second = await services.runtime.submit(ExecutionRequest(agent_id="assistant", message="b"))
        await status_of(services, first, ExecutionStatus.RUNNING)
        await asyncio.sleep(0.3)
        assert (await status_of(services, second, ExecutionStatus.QUEUED)).status == "queued"
