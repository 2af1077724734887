"""Draining a worker: runs that outlast the drain timeout are handed back, not cancelled.

Two runtimes share the in-memory store and queue, as two worker processes share a database
and a broker. The first drains (as on SIGTERM) while a run is still waiting on the model; the
second takes the run over.
"""

from __future__ import annotations

from typing import Any

import pytest

from agent_gateway_core import Runtime
from agent_gateway_core.domain.agent import AgentDefinition, ModelConfig
from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.execution import ExecutionStatus, StopReason
from agent_gateway_core.testing import ScriptedReply, reply, tool_call

pytestmark = pytest.mark.unit

HANG = ScriptedReply(hang=True)
MODEL = ModelConfig(name="test/model")
CHARGE = tool_call("charge", {"amount": 5})


def worker(bg: Any, charges: list[int], instance_id: str) -> Runtime:
    """A worker runtime whose ``payer`` agent has a tool with a side effect: each call of
    ``charge`` appends its amount to ``charges``."""
    payer = AgentDefinition(id="payer", prompt="You pay.", model=MODEL, tools=("charge",))
    runtime = Runtime(
        workspace=bg.workspace(payer=payer),
        llm=bg.llm,
        persistence=bg.persistence,
        queue=bg.queue,
        clock=bg.clock,
        instance_id=instance_id,
    )

    @runtime.tool
    def charge(amount: int) -> str:
        charges.append(amount)
        return f"charged {amount}"

    bg.runtimes.append(runtime)
    return runtime


async def test_a_run_outlasting_the_drain_is_handed_back_and_finished_once_elsewhere(
    bg, monkeypatch: pytest.MonkeyPatch
) -> None:
    charges: list[int] = []
    first, second = worker(bg, charges, "inst_first"), worker(bg, charges, "inst_second")
    await first.start()
    await second.start()
    reads = bg.count_event_reads(monkeypatch)
    first.start_worker(receive_timeout_seconds=bg.receive_timeout)
    bg.llm.push(CHARGE, HANG)  # the tool runs, then the model keeps the run going
    execution_id = await first.submit(bg.request("pay", agent_id="payer"))
    await bg.wait_for_model_calls(2)
    assert charges == [5]
    assert reads == []  # a first run has no earlier tool results to read

    assert await first.drain_worker(0.05) is False

    record = await bg.record(execution_id)  # queued again, not cancelled
    assert record.status is ExecutionStatus.QUEUED
    assert (record.owner, record.finished_at) == ("inst_first", None)
    assert record.started_at is not None  # it has run: the re-run reads its journal
    events = await bg.events(execution_id)
    assert events[-1].type is EventType.QUEUED
    assert events[-1].data["requeued"] is True
    assert "worker stopped" in events[-1].data["reason"]
    assert EventType.CANCELLED not in [e.type for e in events]
    assert await bg.queue.pending_count() == 1  # its job is back, on the same attempt

    bg.llm.push(CHARGE, reply("paid"))  # the re-run: the model asks for the same call
    reads.clear()
    second.start_worker(receive_timeout_seconds=bg.receive_timeout)
    record = await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)

    assert reads == [execution_id]  # the re-run read the journal, once
    assert record.owner == "inst_second"
    assert record.raw_text == "paid"
    assert charges == [5]  # the side effect happened once: the completed call was replayed
    events = await bg.events(execution_id)
    types = [e.type for e in events]
    assert types.count(EventType.STARTED) == 2
    assert types.count(EventType.COMPLETED) == 1
    assert EventType.CANCELLED not in types
    results = [e.data for e in events if e.type is EventType.TOOL_RESULT]
    assert [r.get("replayed", False) for r in results] == [False, True]
    assert len(bg.llm.requests) == 4
    await bg.wait_for_pending(0)
    assert await bg.queue.dead_letters() == []


async def test_a_drain_whose_runs_finish_in_time_hands_nothing_back(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)
    bg.llm.push(ScriptedReply(content="done", delay_seconds=0.05))
    execution_id = await runtime.submit(bg.request())
    await bg.wait_for_model_calls(1)

    assert await runtime.drain_worker(2.0) is True

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.SUCCEEDED
    assert EventType.QUEUED not in [e.type for e in (await bg.events(execution_id))[1:]]
    assert await bg.queue.pending_count() == 0


async def test_a_cancel_requested_as_the_drain_runs_out_still_ends_it_cancelled(bg) -> None:
    charges: list[int] = []
    first, second = worker(bg, charges, "inst_first"), worker(bg, charges, "inst_second")
    first.start_worker(receive_timeout_seconds=bg.receive_timeout)
    bg.llm.push(HANG)
    execution_id = await first.submit(bg.request("pay", agent_id="payer"))
    await bg.wait_for_model_calls(1)

    # From another process, through the queue: whether the worker hears it before or after
    # it hands the run back, the cancel wins.
    await bg.queue.request_cancel(execution_id)
    await first.drain_worker(0)

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.CANCELLED
    assert record.stop_reason is StopReason.CANCELLED
    assert (await bg.event_types(execution_id))[-1] is EventType.CANCELLED
    assert await bg.queue.pending_count() == 0  # its job is not handed to anyone
    second.start_worker(receive_timeout_seconds=bg.receive_timeout)
    assert await bg.queue.receive(0.05) is None
    assert len(bg.llm.requests) == 1


async def test_a_hand_back_the_store_cannot_take_leaves_the_run_to_recovery(bg) -> None:
    charges: list[int] = []
    first = worker(bg, charges, "inst_first")
    await first.start()
    first.start_worker(receive_timeout_seconds=bg.receive_timeout)
    bg.llm.push(CHARGE, HANG)  # the tool runs, then the model keeps the run going
    execution_id = await first.submit(bg.request("pay", agent_id="payer"))
    await bg.wait_for_model_calls(2)

    bg.persistence.available = False  # the database goes away as the worker stops
    assert await first.drain_worker(0.05) is False
    bg.persistence.available = True

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.RUNNING  # nothing ended it: nothing is lost
    assert record.owner == "inst_first"
    assert await bg.queue.pending_count() == 1  # its job was neither acked nor released
    await first.aclose()  # its lease ends with it

    # Another instance finds it orphaned, hands it back, and runs it once more.
    second = worker(bg, charges, "inst_second")
    await second.start()  # its first recovery sweep runs in the background

    async def handed_back() -> bool:
        record = await bg.record(execution_id)
        return (record.status, record.owner) == (ExecutionStatus.QUEUED, "inst_second")

    await bg.eventually(handed_back, what="the orphan to be handed back to inst_second")
    bg.llm.push(CHARGE, reply("paid"))  # the re-run: the model asks for the same call
    second.start_worker(receive_timeout_seconds=bg.receive_timeout)
    bg.clock.advance(bg.queue.visibility_timeout_seconds + 1)  # the first delivery comes back
    record = await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)

    assert record.raw_text == "paid"
    assert charges == [5]  # the completed call was replayed, not repeated
    types = [e.type for e in await bg.events(execution_id)]
    assert types.count(EventType.COMPLETED) == 1
    assert EventType.CANCELLED not in types
