"""``executions``: list with pages, get, cancel, wait and the event log, on the real gateway."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent_gateway_client import (
    ConflictError,
    Execution,
    ExecutionFailedError,
    GatewayTimeoutError,
    NotFoundError,
)
from agent_gateway_core.testing import ScriptedReply, reply

from ._flavours import Both
from ._served import ScriptedModel

pytestmark = pytest.mark.integration


async def test_executions_page_by_offset_until_the_last(client: Both) -> None:
    for n in range(3):
        await client.agents.invoke("triage", f"page {n}", input={"tier": "free"})

    first = await client.executions.list(agent_id="triage", limit=2)
    second = await first.next_page()
    since = datetime.now(UTC) - timedelta(minutes=10)
    recent = [e.id async for e in (await client.executions.list(since=since)).iter_all()]

    assert first.limit == 2
    assert len(first) == 2
    assert first.total >= 3
    assert first.has_more
    assert second is not None
    assert second.offset == 2
    assert isinstance(first[0], Execution)
    assert first[0].created_at >= first[1].created_at  # newest first
    everything = await first.all()
    assert len(everything) == first.total
    assert len({e.id for e in everything}) == first.total
    assert {e.id for e in everything} <= set(recent)


async def test_the_event_log_is_followed_to_its_end(client: Both, model: ScriptedModel) -> None:
    result = await client.agents.invoke("assistant", "events please")

    events = [event async for event in client.executions.events(result.execution_id)]
    later = [event async for event in client.executions.events(result.execution_id, after=1)]

    assert events[0].seq == 1
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[-1].type == "execution.completed"
    assert events[-1].is_terminal
    assert [e.seq for e in later] == [e.seq for e in events[1:]]


async def test_following_a_running_execution_yields_events_as_they_come(
    client: Both, model: ScriptedModel
) -> None:
    model.push(reply("slow answer", delay_seconds=0.5))
    accepted = await client.agents.invoke("batch", "take your time")

    events = [e async for e in client.executions.events(accepted.execution_id, poll_interval=0.05)]

    assert events[-1].type == "execution.completed"
    assert (await client.executions.get(accepted.execution_id)).raw_text == "slow answer"


async def test_cancel_stops_a_running_execution_and_wait_reports_it(
    client: Both, model: ScriptedModel
) -> None:
    model.push(reply("never", delay_seconds=10))
    accepted = await client.agents.invoke("batch", "long job")

    with pytest.raises(GatewayTimeoutError) as waited:
        await client.executions.wait(accepted.execution_id, timeout=0.3, poll_interval=0.05)
    cancelled = await client.executions.cancel(accepted.execution_id)
    with pytest.raises(ExecutionFailedError) as failed:
        await client.executions.wait(accepted.execution_id, timeout=20, poll_interval=0.05)

    assert waited.value.execution_id == accepted.execution_id
    assert cancelled.cancel_requested
    assert failed.value.execution.status == "cancelled"
    assert failed.value.execution_id == accepted.execution_id
    assert failed.value.code == "execution_cancelled"
    with pytest.raises(ConflictError) as again:
        await client.executions.cancel(accepted.execution_id)
    assert "already finished" in again.value.message


async def test_wait_raises_for_a_failed_execution(client: Both, model: ScriptedModel) -> None:
    model.push(ScriptedReply(status=400, error_message="no such model"))
    accepted = await client.agents.invoke("batch", "doomed")

    with pytest.raises(ExecutionFailedError) as failed:
        await client.executions.wait(accepted.execution_id, timeout=20, poll_interval=0.05)

    assert failed.value.execution.status == "failed"
    assert failed.value.execution.error


async def test_an_unknown_execution_is_not_found(client: Both) -> None:
    with pytest.raises(NotFoundError):
        await client.executions.get("no-such-execution")
    with pytest.raises(NotFoundError):
        [e async for e in client.executions.events("no-such-execution")]
