"""A delivered job reads its execution's event log for earlier tool results (the tool-call
journal) only when an earlier run may have stored some: not on the first delivery of an
execution that never started."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.ports.persistence import ExecutionUpdate

pytestmark = pytest.mark.unit


async def test_the_first_delivery_of_an_execution_never_started_reads_no_event_log(
    bg, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())
    reads = bg.count_event_reads(monkeypatch)
    delivery = await bg.receive()
    assert delivery.attempt == 1

    await runtime.run_job(delivery)

    assert reads == []
    assert await bg.status(execution_id) is ExecutionStatus.SUCCEEDED


async def test_a_redelivered_job_reads_the_event_log(bg, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())
    assert await bg.queue.retry(await bg.receive(), "its worker failed") is True
    reads = bg.count_event_reads(monkeypatch)
    delivery = await bg.receive()
    assert delivery.attempt == 2

    await runtime.run_job(delivery)

    assert reads == [execution_id]
    assert await bg.status(execution_id) is ExecutionStatus.SUCCEEDED


async def test_a_first_delivery_of_an_execution_that_ran_before_reads_the_event_log(
    bg, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())
    store = bg.persistence.executions
    # A run of it started and was handed back: its job is still on its first attempt (a
    # released one keeps it, and recovery enqueues a new one), its record queued again.
    await store.transition(
        execution_id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=bg.clock.now())
    )
    await store.transition(
        execution_id,
        ExecutionUpdate(
            status=ExecutionStatus.QUEUED, at=bg.clock.now(), only_from=ExecutionStatus.RUNNING
        ),
    )
    reads = bg.count_event_reads(monkeypatch)
    delivery = await bg.receive()
    assert delivery.attempt == 1

    await runtime.run_job(delivery)

    assert reads == [execution_id]
    assert await bg.status(execution_id) is ExecutionStatus.SUCCEEDED
