"""A delivered job reads its execution's event log for earlier tool results (the tool-call
journal) only when an earlier run may have stored some: not on the first delivery of an
execution that never started."""

from __future__ import annotations

from typing import Any

import pytest

from agent_gateway_core.domain.events import ExecutionEvent
from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.ports.persistence import ExecutionUpdate

pytestmark = pytest.mark.unit


def count_event_reads(bg: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids whose event log is read from now on."""
    store = bg.persistence.executions
    reads: list[str] = []
    list_events = store.list_events

    async def counting(execution_id: str, after_seq: int = 0) -> list[ExecutionEvent]:
        reads.append(execution_id)
        return await list_events(execution_id, after_seq)

    monkeypatch.setattr(store, "list_events", counting)
    return reads


async def test_the_first_delivery_of_an_execution_never_started_reads_no_event_log(
    bg, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())
    reads = count_event_reads(bg, monkeypatch)
    delivery = await bg.receive()
    assert delivery.attempt == 1

    await runtime.run_job(delivery)

    assert reads == []
    assert await bg.status(execution_id) is ExecutionStatus.SUCCEEDED


async def test_a_redelivered_job_reads_the_event_log(bg, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())
    assert await bg.queue.retry(await bg.receive(), "its worker failed") is True
    reads = count_event_reads(bg, monkeypatch)
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
    reads = count_event_reads(bg, monkeypatch)
    delivery = await bg.receive()
    assert delivery.attempt == 1

    await runtime.run_job(delivery)

    assert reads == [execution_id]
    assert await bg.status(execution_id) is ExecutionStatus.SUCCEEDED
