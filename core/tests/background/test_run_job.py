"""Runtime.run_job: what a worker does with each delivery — run, skip, fail, retry, give up."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from typing import Any

import pytest

from agent_gateway_core.domain.agent import AgentDefinition, ModelConfig
from agent_gateway_core.domain.events import EventType, ExecutionEvent, NewEvent
from agent_gateway_core.domain.execution import (
    ExecutionRecord,
    ExecutionStatus,
    StopReason,
)
from agent_gateway_core.domain.messages import Role
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.ports.execution_queue import ExecutionJob
from agent_gateway_core.ports.persistence import (
    ExecutionQuery,
    ExecutionStore,
    ExecutionUpdate,
    Page,
)
from agent_gateway_core.testing import InMemoryPersistence, ScriptedReply, reply

pytestmark = pytest.mark.unit

BEFORE_IT_STARTED = "execution was cancelled before it started"
VISIBILITY_SECONDS = 300.0  # the in-memory queue's default visibility timeout


async def test_a_delivered_job_runs_its_execution_and_is_acknowledged(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    bg.llm.push(reply("ran"))
    execution_id = await runtime.submit(bg.request())
    delivery = await bg.receive()

    await runtime.run_job(delivery)

    record = await bg.record(execution_id)
    assert (record.status, record.raw_text) == (ExecutionStatus.SUCCEEDED, "ran")
    assert await bg.queue.pending_count() == 0


async def test_run_job_needs_a_queue(bg) -> None:
    queued = bg.runtime(with_queue=True)
    await queued.submit(bg.request())
    delivery = await bg.receive()
    runtime = bg.runtime()

    with pytest.raises(ConfigError, match="no queue"):
        await runtime.run_job(delivery)


# ---------------------------------------------------------------- skipped: not queued any more


async def test_a_redelivered_job_of_a_finished_execution_does_not_run_again(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())
    first = await bg.receive()
    await runtime.run_job(first)
    finished = await bg.record(execution_id)
    await bg.queue.enqueue(first.job)  # at-least-once: the same job arrives again
    again = await bg.receive()

    await runtime.run_job(again)

    assert len(bg.llm.requests) == 1
    assert await bg.record(execution_id) == finished
    assert await bg.queue.pending_count() == 0  # acknowledged
    assert await bg.queue.dead_letters() == []


async def test_a_job_whose_visibility_timeout_passed_mid_run_is_skipped(bg) -> None:
    # The first delivery is still running when the queue hands the job out again.
    runtime = bg.runtime(with_queue=True)
    bg.llm.push(ScriptedReply(content="slow", delay_seconds=0.05))
    execution_id = await runtime.submit(bg.request())
    first = await bg.receive()
    running = asyncio.create_task(runtime.run_job(first))
    await bg.wait_for_model_calls(1)
    bg.clock.advance(VISIBILITY_SECONDS)
    second = await bg.receive()
    assert second.attempt == 2

    await runtime.run_job(second)  # the record is running, not queued: skipped

    await running
    assert await bg.status(execution_id) is ExecutionStatus.SUCCEEDED
    assert len(bg.llm.requests) == 1
    assert await bg.queue.pending_count() == 0


async def test_a_job_for_an_execution_nobody_stored_is_acknowledged(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    await bg.queue.enqueue(
        ExecutionJob(execution_id="exec-missing", agent_id="helper", enqueued_at=bg.clock.now())
    )

    await runtime.run_job(await bg.receive())

    assert await bg.queue.pending_count() == 0
    assert bg.llm.requests == []
    assert await bg.stored() == []


# ---------------------------------------------------------------- cancelled before it started


async def test_a_job_cancelled_before_it_started_is_recorded_cancelled_and_acked(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())
    delivery = await bg.receive()
    # Another process asks to cancel after the job was handed out, before the run begins.
    await bg.queue.request_cancel(execution_id)

    await runtime.run_job(delivery)

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.CANCELLED
    assert record.stop_reason is StopReason.CANCELLED
    assert record.error == BEFORE_IT_STARTED
    events = await bg.events(execution_id)
    assert [e.type for e in events] == [EventType.QUEUED, EventType.CANCELLED]
    assert events[-1].data["error_code"] == "execution_cancelled"
    assert bg.llm.requests == []
    assert await bg.queue.pending_count() == 0


# ---------------------------------------------------------------- can never run


@pytest.mark.parametrize(
    ("replacement", "error", "code"),
    [
        pytest.param(
            AgentDefinition(id="helper", model=ModelConfig(name="m"), enabled=False),
            "agent is disabled: 'helper'",
            "agent_disabled",
            id="disabled",
        ),
        pytest.param(
            AgentDefinition(id="helper"),
            "agent 'helper' has no model configured",
            "config_error",
            id="no-model",
        ),
    ],
)
async def test_a_job_that_can_never_run_fails_without_retries(
    bg, replacement: AgentDefinition, error: str, code: str
) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())
    runtime.reload(bg.workspace(helper=replacement))  # changed after it was accepted
    delivery = await bg.receive()

    await runtime.run_job(delivery)

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.FAILED
    assert record.stop_reason is StopReason.ERROR
    assert record.error is not None
    assert record.error.startswith(error)
    events = await bg.events(execution_id)
    assert [e.type for e in events] == [EventType.QUEUED, EventType.FAILED]
    assert events[-1].data["error_code"] == code
    assert await bg.queue.pending_count() == 0  # acked, not put back
    assert await bg.queue.dead_letters() == []
    assert bg.llm.requests == []


async def test_a_job_for_an_agent_removed_since_fails_without_retries(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request(agent_id="strict", input={"city": "Rome"}))
    ws = bg.workspace()
    runtime.reload(dataclasses.replace(ws, agents={"helper": ws.agents["helper"]}))

    await runtime.run_job(await bg.receive())

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.FAILED
    assert record.error == "agent not found: 'strict'"
    assert (await bg.events(execution_id))[-1].data["error_code"] == "agent_not_found"
    assert await bg.queue.pending_count() == 0
    assert await bg.queue.dead_letters() == []


async def test_the_job_runs_on_the_workspace_current_when_it_is_delivered(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())
    runtime.reload(
        bg.workspace(
            helper=AgentDefinition(
                id="helper", prompt="Reloaded.", model=ModelConfig(name="test/new")
            )
        )
    )

    await runtime.run_job(await bg.receive())

    assert await bg.status(execution_id) is ExecutionStatus.SUCCEEDED
    sent = bg.llm.requests[0]
    assert sent.model == "test/new"
    assert sent.messages[0].role is Role.SYSTEM
    assert sent.messages[0].content is not None
    assert sent.messages[0].content.startswith("Reloaded.")


# ---------------------------------------------------------------- unexpected failures


async def accept_with_payload(bg: Any, runtime: Any, payload: dict[str, Any]) -> str:
    """Store a queued execution and enqueue its job with ``payload`` as given."""
    accepted = await runtime.engine.accept(bg.request())
    await bg.queue.enqueue(
        ExecutionJob(
            execution_id=accepted.execution_id,
            agent_id="helper",
            enqueued_at=bg.clock.now(),
            payload=payload,
        )
    )
    return str(accepted.execution_id)


BAD_PAYLOAD = {"options": {"temperature": 9}}  # fails ExecutionOptions validation


async def test_an_unexpected_failure_is_retried_then_recorded_failed(bg, caplog) -> None:
    bg.queue = bg.make_queue(max_attempts=2)
    runtime = bg.runtime(with_queue=True)
    execution_id = await accept_with_payload(bg, runtime, BAD_PAYLOAD)

    with caplog.at_level(logging.ERROR):
        await runtime.run_job(await bg.receive())

    assert f"background execution {execution_id} failed unexpectedly" in caplog.text
    assert await bg.status(execution_id) is ExecutionStatus.QUEUED  # left for the retry
    assert await bg.queue.pending_count() == 1
    assert await bg.queue.dead_letters() == []

    retry = await bg.receive()
    assert retry.attempt == 2
    await runtime.run_job(retry)

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.FAILED
    assert record.stop_reason is StopReason.ERROR
    assert record.error is not None
    assert record.error.startswith("gave up after 2 attempt(s): ")
    assert "temperature" in record.error
    events = await bg.events(execution_id)
    assert [e.type for e in events] == [EventType.QUEUED, EventType.FAILED]
    assert events[-1].data["error_code"] == "internal_error"
    dead = await bg.queue.dead_letters()
    assert [(job.execution_id, job.attempt) for job in dead] == [(execution_id, 2)]
    assert await bg.queue.pending_count() == 0
    assert bg.llm.requests == []


async def test_a_worker_retries_an_unexpected_failure_until_the_queue_gives_up(bg) -> None:
    bg.queue = bg.make_queue(max_attempts=3)
    runtime = bg.runtime(with_queue=True)
    execution_id = await accept_with_payload(bg, runtime, BAD_PAYLOAD)

    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)

    record = await bg.wait_for_status(execution_id, ExecutionStatus.FAILED)
    assert record.error is not None
    assert record.error.startswith("gave up after 3 attempt(s): ")
    assert [job.attempt for job in await bg.queue.dead_letters()] == [3]
    assert await bg.queue.pending_count() == 0


async def test_a_queue_outage_while_retrying_leaves_the_job_for_redelivery(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request())
    delivery = await bg.receive()
    bg.queue.available = False  # the run's first queue call fails, and so does the retry

    await runtime.run_job(delivery)  # does not raise

    assert await bg.status(execution_id) is ExecutionStatus.QUEUED
    bg.queue.available = True
    assert await bg.queue.pending_count() == 1  # unacknowledged, in flight
    bg.clock.advance(VISIBILITY_SECONDS)
    redelivered = await bg.receive()
    assert redelivered.attempt == 2

    await runtime.run_job(redelivered)

    assert await bg.status(execution_id) is ExecutionStatus.SUCCEEDED
    assert await bg.queue.pending_count() == 0


# ---------------------------------------------------------------- a cancel reaching a running job


async def test_a_cancel_requested_through_the_queue_stops_the_running_job(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    bg.llm.push(ScriptedReply(hang=True))
    execution_id = await runtime.submit(bg.request("slow"))
    running = asyncio.create_task(runtime.run_job(await bg.receive()))
    await bg.wait_for_model_calls(1)

    await bg.queue.request_cancel(execution_id)  # as another process would

    async with asyncio.timeout(2):
        await running  # the watcher polls every 0.5 s
    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.CANCELLED
    assert record.stop_reason is StopReason.CANCELLED
    assert record.started_at is not None
    assert await bg.queue.pending_count() == 0


class GatedStore(ExecutionStore):
    """Commits the move to ``running``, then holds the answer until ``release`` is set — a
    store whose write is durable before its reply reaches the caller."""

    def __init__(self, inner: ExecutionStore) -> None:
        self.inner = inner
        self.committed = asyncio.Event()
        self.release = asyncio.Event()

    async def create(self, record: ExecutionRecord, events: Sequence[NewEvent] = ()) -> None:
        await self.inner.create(record, events)

    async def get(self, execution_id: str) -> ExecutionRecord | None:
        return await self.inner.get(execution_id)

    async def transition(
        self, execution_id: str, update: ExecutionUpdate, events: Sequence[NewEvent] = ()
    ) -> ExecutionRecord:
        record = await self.inner.transition(execution_id, update, events)
        if update.status is ExecutionStatus.RUNNING:
            self.committed.set()
            await self.release.wait()
        return record

    async def query(self, query: ExecutionQuery) -> Page[ExecutionRecord]:
        return await self.inner.query(query)

    async def append_events(
        self, execution_id: str, events: list[NewEvent]
    ) -> list[ExecutionEvent]:
        return await self.inner.append_events(execution_id, events)

    async def list_events(self, execution_id: str, after_seq: int = 0) -> list[ExecutionEvent]:
        return await self.inner.list_events(execution_id, after_seq)


class GatedPersistence(InMemoryPersistence):
    def __init__(self) -> None:
        super().__init__()
        self.gated = GatedStore(super().executions)

    @property
    def executions(self) -> GatedStore:
        return self.gated


async def test_a_cancel_requested_as_the_job_starts_is_not_lost(bg) -> None:
    persistence = GatedPersistence()
    bg.persistence = persistence
    queue = bg.double_queue()
    runtime = bg.runtime(queue=queue)
    bg.llm.push(ScriptedReply(hang=True))
    execution_id = await runtime.submit(bg.request("slow"))
    running = asyncio.create_task(runtime.run_job(await bg.receive()))
    try:
        await asyncio.wait_for(persistence.gated.committed.wait(), 1)
        assert await runtime.cancel(execution_id) is True  # running: requested via the queue
        await asyncio.wait_for(queue.cancel_seen.wait(), 1)  # the watcher saw the request
        persistence.gated.release.set()  # ...before the engine registered the execution

        # The watcher polls every 0.5 s: a second is plenty for the cancel to land.
        done, _ = await asyncio.wait({running}, timeout=1.0)
        assert running in done, "the cancel request was dropped: the execution still runs"
        assert await bg.status(execution_id) is ExecutionStatus.CANCELLED
    finally:
        persistence.gated.release.set()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
