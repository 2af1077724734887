"""A request's tracking label and idempotency key stay on its execution: queued, delivered to a
worker, run, and for chat turns too."""

from __future__ import annotations

import pytest

from agent_gateway_core.background import job_for, request_from_record
from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.domain.ids import new_execution_id
from agent_gateway_core.engine.request import StreamStarted
from agent_gateway_core.ports.persistence import ExecutionQuery
from agent_gateway_core.testing import reply

pytestmark = pytest.mark.unit


async def test_a_queued_request_keeps_its_label_from_record_to_worker_to_end(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    bg.llm.push(reply("done"))
    request = bg.request(tracking="nightly-sync", idempotency_key="key-1")

    execution_id = await runtime.submit(request)
    queued = await bg.record(execution_id)
    delivery = await bg.receive()
    rebuilt = request_from_record(queued, delivery.job.payload)
    await runtime.run_job(delivery)
    ended = await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)

    assert (queued.tracking, queued.idempotency_key) == ("nightly-sync", "key-1")
    assert (rebuilt.tracking, rebuilt.idempotency_key) == ("nightly-sync", "key-1")
    assert delivery.job == job_for(rebuilt, delivery.job.enqueued_at)
    assert (ended.tracking, ended.raw_text) == ("nightly-sync", "done")


async def test_an_inline_run_records_its_label(bg) -> None:
    runtime = bg.runtime()

    result = await runtime.execute(bg.request(tracking="inline"))

    assert (await bg.record(result.execution_id)).tracking == "inline"


async def test_chat_turns_record_the_callers_labels(bg) -> None:
    runtime = bg.runtime()
    execution_id = new_execution_id()

    session_id, result = await runtime.chat(
        "helper", "hi", execution_id=execution_id, idempotency_key="turn-1", tracking="chatty"
    )
    stream = runtime.stream_chat(
        "helper", "more", session_id, idempotency_key="turn-2", tracking="chatty"
    )
    items = [item async for item in stream]

    first = await bg.record(execution_id)
    assert isinstance(items[0], StreamStarted)
    second = await bg.record(items[0].execution_id)
    assert result.execution_id == execution_id
    assert (first.tracking, first.idempotency_key, first.session_id) == (
        "chatty",
        "turn-1",
        session_id,
    )
    assert (second.tracking, second.idempotency_key) == ("chatty", "turn-2")
    page = await bg.persistence.executions.query(ExecutionQuery(tracking="chatty"))
    assert page.total == 2


async def test_without_labels_nothing_is_recorded(bg) -> None:
    runtime = bg.runtime()

    _, result = await runtime.chat("helper", "hi")

    record = await bg.record(result.execution_id)
    assert (record.tracking, record.idempotency_key) == (None, None)
