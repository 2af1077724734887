"""Ownership and recovery: what a gateway instance that died leaves behind is ended or run again.

A dead instance is one whose lease ran out (or was never there). What it leaves is written
here as it would have left it: records owned by it, ``running`` or ``queued``, with the events
its runs wrote before they stopped. The instances that recover are real runtimes over the
shared in-memory fakes, on a ManualClock.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from agent_gateway_core import Runtime
from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import (
    ExecutionKind,
    ExecutionOptions,
    ExecutionRecord,
    ExecutionStatus,
    StopReason,
)
from agent_gateway_core.domain.ids import new_execution_id
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.engine.request import job_payload
from agent_gateway_core.ports.execution_queue import ExecutionQueue
from agent_gateway_core.ports.persistence import ExecutionUpdate
from agent_gateway_core.testing import ScriptedReply, reply

pytestmark = pytest.mark.unit

DEAD = "inst_dead"
LEASE = 15.0
HANG = ScriptedReply(hang=True)


def instance(bg: Any, instance_id: str, *, queue: ExecutionQueue | None = None) -> Runtime:
    """A runtime over the shared fakes, closed when the test ends."""
    runtime = Runtime(
        workspace=bg.workspace(),
        llm=bg.llm,
        persistence=bg.persistence,
        queue=queue,
        clock=bg.clock,
        instance_id=instance_id,
        instance_lease_seconds=LEASE,
    )
    bg.runtimes.append(runtime)
    return runtime


async def left_running(bg: Any, *, owner: str = DEAD, background: bool = False) -> str:
    """A run cut short in its second model call: its first round (model response and a
    tool call) is in its event log, as the engine writes it after each round."""
    execution_id = new_execution_id()
    now = bg.clock.now()
    await bg.persistence.executions.create(
        ExecutionRecord(
            id=execution_id,
            agent_id="helper",
            status=ExecutionStatus.RUNNING,
            message="look it up",
            created_at=now,
            started_at=now,
            owner=owner,
            job_payload={"options": {"temperature": 0.25}} if background else None,
        )
    )
    usage = Usage(input_tokens=40, output_tokens=7, llm_calls=1, models_used=("test/model",))
    await bg.persistence.executions.append_events(
        execution_id,
        [
            NewEvent(type=EventType.STARTED, at=now),
            NewEvent(
                type=EventType.MODEL_RESPONSE,
                at=now,
                data={"content": "Let me look.", "usage": usage.model_dump(mode="json")},
            ),
            NewEvent(type=EventType.TOOL_CALL, at=now, data={"name": "search"}),
            NewEvent(type=EventType.TOOL_RESULT, at=now, data={"name": "search"}),
        ],
    )
    return execution_id


async def left_queued(bg: Any, *, owner: str = DEAD, **options: Any) -> str:
    """A background execution accepted by ``owner`` and never started."""
    request = bg.request("later", options=ExecutionOptions(**options), kind=ExecutionKind.INVOKE)
    await bg.persistence.executions.create(
        ExecutionRecord(
            id=request.execution_id,
            agent_id="helper",
            status=ExecutionStatus.QUEUED,
            message=request.message,
            created_at=bg.clock.now(),
            owner=owner,
            job_payload=job_payload(request),
        )
    )
    await bg.persistence.executions.append_events(
        request.execution_id, [NewEvent(type=EventType.QUEUED, at=bg.clock.now())]
    )
    return request.execution_id


async def lease(bg: Any, instance_id: str, seconds: float = LEASE) -> None:
    """Give ``instance_id`` a lease running ``seconds`` from now."""
    await bg.persistence.instances.heartbeat(
        instance_id, bg.clock.now() + timedelta(seconds=seconds)
    )


# ---------------------------------------------------------------- ownership


async def test_a_started_runtime_owns_what_it_runs_and_accepts(bg) -> None:
    runtime = instance(bg, "inst_a")
    await runtime.start()
    bg.llm.push(reply("done"))

    result = await runtime.invoke("helper", "hello")
    bg.llm.push(HANG)
    accepted = await runtime.submit(bg.request("later", options=ExecutionOptions(max_tokens=9)))

    inline = await bg.record(result.execution_id)
    assert (inline.owner, inline.job_payload) == ("inst_a", None)
    queued = await bg.record(accepted)
    assert queued.owner == "inst_a"
    assert queued.job_payload == {"options": {"max_tokens": 9}}
    assert await bg.persistence.instances.live(bg.clock.now()) == ["inst_a"]


async def test_a_runtime_never_started_owns_nothing_so_nothing_of_it_is_recovered(bg) -> None:
    runtime = instance(bg, "inst_a")  # no lease: its executions must not look orphaned
    bg.llm.push(reply("done"))
    result = await runtime.invoke("helper", "hello")
    assert (await bg.record(result.execution_id)).owner is None


async def test_a_worker_taking_a_job_on_becomes_its_owner(bg) -> None:
    accepting = instance(bg, "inst_accepting", queue=bg.queue)
    await accepting.start()
    execution_id = await accepting.submit(bg.request("later"))
    assert (await bg.record(execution_id)).owner == "inst_accepting"

    worker = instance(bg, "inst_worker", queue=bg.queue)
    await worker.start()
    bg.llm.push(HANG)
    worker.start_worker(receive_timeout_seconds=bg.receive_timeout)
    record = await bg.wait_for_status(execution_id, ExecutionStatus.RUNNING)
    assert record.owner == "inst_worker"  # recorded by the move to running, no write of its own


async def test_closing_releases_the_lease(bg) -> None:
    runtime = instance(bg, "inst_a")
    await runtime.start()
    await runtime.aclose()
    assert await bg.persistence.instances.live(bg.clock.now()) == []


# ---------------------------------------------------------------- recovery rules


async def test_an_inline_run_of_a_dead_instance_fails_keeping_its_usage_so_far(bg) -> None:
    execution_id = await left_running(bg)
    runtime = instance(bg, "inst_b")

    assert await runtime.recover_orphans() == 1

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.FAILED
    assert record.error == "gateway stopped during the run"
    assert record.stop_reason is StopReason.ERROR
    assert record.usage == Usage(
        input_tokens=40, output_tokens=7, llm_calls=1, tool_calls=1, models_used=("test/model",)
    )
    assert record.raw_text == "Let me look."
    assert record.finished_at == bg.clock.now()
    assert record.owner == DEAD  # who ran it
    ending = (await bg.events(execution_id))[-1]
    assert ending.type is EventType.FAILED
    assert ending.data["error_code"] == "gateway_stopped"
    assert ending.data["previous_owner"] == DEAD
    assert ending.data["usage"]["input_tokens"] == 40


async def test_an_orphan_is_left_alone_until_its_owners_lease_runs_out(bg) -> None:
    await lease(bg, DEAD, seconds=10)
    execution_id = await left_running(bg)
    runtime = instance(bg, "inst_b")

    assert await runtime.recover_orphans() == 0
    assert await bg.status(execution_id) is ExecutionStatus.RUNNING

    bg.clock.advance(10)
    assert await runtime.recover_orphans() == 1
    assert await bg.status(execution_id) is ExecutionStatus.FAILED


async def test_a_live_instances_executions_are_never_touched(bg) -> None:
    live = instance(bg, "inst_live")
    await live.start()
    bg.llm.push(HANG, HANG)
    running = asyncio.create_task(live.invoke("helper", "slow"))
    await live.submit(bg.request("later"))
    await bg.wait_for_model_calls(2)

    other = instance(bg, "inst_other")
    assert await other.recover_orphans() == 0
    assert other.recovery.found == 0
    stored = await bg.stored()
    assert [(r.status, r.owner) for r in stored] == [(ExecutionStatus.RUNNING, "inst_live")] * 2

    running.cancel()
    await asyncio.gather(running, return_exceptions=True)


async def test_a_queued_orphan_runs_again_here_without_a_queue(bg) -> None:
    execution_id = await left_queued(bg, temperature=0.25)
    runtime = instance(bg, "inst_b")
    bg.llm.push(reply("done late"))

    assert await runtime.recover_orphans() == 1

    record = await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)
    assert record.raw_text == "done late"
    assert record.owner == "inst_b"
    assert bg.llm.requests[0].temperature == 0.25  # its stored job, options and all
    types = await bg.event_types(execution_id)
    assert types[:2] == [EventType.QUEUED, EventType.QUEUED]
    handed_back = (await bg.events(execution_id))[1]
    assert handed_back.data["requeued"] is True
    assert handed_back.data["previous_owner"] == DEAD
    assert types[-1] is EventType.COMPLETED


async def test_a_background_run_cut_short_runs_again_through_the_queue(bg) -> None:
    execution_id = await left_running(bg, background=True)
    runtime = instance(bg, "inst_b", queue=bg.queue)
    bg.llm.push(reply("second time lucky"))

    assert await runtime.recover_orphans() == 1
    assert (await bg.record(execution_id)).status is ExecutionStatus.QUEUED
    assert await bg.queue.pending_count() == 1

    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
    record = await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)
    assert record.raw_text == "second time lucky"
    assert record.usage.input_tokens == 10  # this run's, not the one cut short
    assert bg.llm.requests[0].temperature == 0.25


async def test_a_background_run_cut_short_reads_its_journal_when_it_runs_again(
    bg, monkeypatch: pytest.MonkeyPatch
) -> None:
    execution_id = await left_running(bg, background=True)
    runtime = instance(bg, "inst_b", queue=bg.queue)
    assert await runtime.recover_orphans() == 1
    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.QUEUED
    assert record.started_at is not None  # kept: it ran before
    reads = bg.count_event_reads(monkeypatch)
    bg.llm.push(reply("done"))

    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
    await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)

    assert reads == [execution_id]  # the job is a fresh one, on attempt 1: still read


async def test_a_handed_back_job_still_in_the_queue_runs_once(bg) -> None:
    accepting = instance(bg, DEAD, queue=bg.queue)
    await accepting.start()
    execution_id = await accepting.submit(bg.request("later"))
    await bg.persistence.instances.release(DEAD)  # it died with its job still queued

    runtime = instance(bg, "inst_b", queue=bg.queue)
    assert await runtime.recover_orphans() == 1
    assert await bg.queue.pending_count() == 1  # enqueueing a pending job is a no-op

    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
    await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)
    await bg.wait_for_pending(0)
    assert len(bg.llm.requests) == 1


async def test_a_handed_back_execution_the_queue_refuses_fails(bg) -> None:
    execution_id = await left_queued(bg)
    runtime = instance(bg, "inst_b", queue=bg.double_queue(enqueue_down=True))

    await runtime.recover_orphans()

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.FAILED
    assert record.error is not None
    assert "unavailable" in record.error


async def test_two_instances_recovering_at_once_recover_each_orphan_once(bg) -> None:
    inline = [await left_running(bg) for _ in range(5)]
    queued = [await left_queued(bg) for _ in range(5)]
    first, second = instance(bg, "inst_b"), instance(bg, "inst_c")

    counts = await asyncio.gather(first.recover_orphans(), second.recover_orphans())

    assert sum(counts) == 10
    reports = [first.recovery, second.recovery]
    assert sum(r.failed for r in reports) == 5
    assert sum(r.handed_back for r in reports) == 5
    for execution_id in queued:
        await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)
    assert len(bg.llm.requests) == 5  # each handed-back execution ran once
    for execution_id in inline:
        events = await bg.events(execution_id)
        assert [e.type for e in events].count(EventType.FAILED) == 1


async def test_a_started_runtime_recovers_at_start_then_every_lease_period(bg) -> None:
    first = await left_running(bg)
    runtime = instance(bg, "inst_b")
    await runtime.start()
    await bg.wait_for_status(first, ExecutionStatus.FAILED)
    assert runtime.recovery.sweeps == 1

    later = await left_running(bg, owner="inst_dies_later")
    for _ in range(3):  # the lease is renewed every third of it; one sweep per lease
        bg.clock.advance(LEASE / 3)
        await asyncio.sleep(0.01)
    await bg.wait_for_status(later, ExecutionStatus.FAILED)
    assert runtime.recovery.sweeps == 2
    assert runtime.recovery.failed == 2
    assert runtime.recovery.last_sweep_at == bg.clock.now()
    # The lease was renewed meanwhile: this instance is live a lease from now.
    assert await bg.persistence.instances.live(bg.clock.now() + timedelta(seconds=14)) == ["inst_b"]


async def test_a_store_down_at_start_delays_the_lease_and_owns_nothing_meanwhile(bg) -> None:
    bg.persistence.available = False
    runtime = instance(bg, "inst_a")
    await runtime.start()  # does not fail: the lease is written once the store is back
    bg.persistence.available = True
    bg.llm.push(reply("done"))
    result = await runtime.invoke("helper", "hello")
    assert (await bg.record(result.execution_id)).owner is None

    bg.clock.advance(LEASE / 3)

    async def leased() -> bool:
        return "inst_a" in await bg.persistence.instances.live(bg.clock.now())

    await bg.eventually(leased, what="the lease to be written once the store is back")
    bg.llm.push(reply("done again"))
    result = await runtime.invoke("helper", "hello again")
    assert (await bg.record(result.execution_id)).owner == "inst_a"


# ---------------------------------------------------------------- cancel


async def test_cancelling_a_run_whose_owner_died_ends_it_at_once(bg) -> None:
    execution_id = await left_running(bg)
    runtime = instance(bg, "inst_b")

    assert await runtime.cancel(execution_id) is True

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.CANCELLED
    assert record.stop_reason is StopReason.CANCELLED
    assert record.usage.input_tokens == 40
    ending = (await bg.events(execution_id))[-1]
    assert ending.type is EventType.CANCELLED
    assert ending.data["error_code"] == "execution_cancelled"
    assert ending.data["previous_owner"] == DEAD
    assert await runtime.recover_orphans() == 0  # nothing left to recover


async def test_cancelling_a_run_whose_owner_died_with_a_queue_ends_it_too(bg) -> None:
    execution_id = await left_running(bg, background=True)
    runtime = instance(bg, "inst_b", queue=bg.queue)

    assert await runtime.cancel(execution_id) is True
    assert await bg.status(execution_id) is ExecutionStatus.CANCELLED


async def test_cancelling_a_run_of_a_live_instance_elsewhere_leaves_it_to_that_instance(
    bg,
) -> None:
    await lease(bg, "inst_elsewhere")
    execution_id = await left_running(bg, owner="inst_elsewhere")
    runtime = instance(bg, "inst_b")

    assert await runtime.cancel(execution_id) is False  # no queue reaches it: as before
    assert await bg.status(execution_id) is ExecutionStatus.RUNNING


async def test_cancelling_a_run_without_an_owner_is_as_before(bg) -> None:
    runtime = instance(bg, "inst_b")
    accepted = await runtime.engine.accept(bg.request("elsewhere"))
    running = ExecutionUpdate(status=ExecutionStatus.RUNNING, at=bg.clock.now())
    await bg.persistence.executions.transition(accepted.execution_id, running)

    assert await runtime.cancel(accepted.execution_id) is False
    assert await bg.status(accepted.execution_id) is ExecutionStatus.RUNNING
