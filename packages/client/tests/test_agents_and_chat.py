"""``agents`` and ``chat`` against the real gateway, both clients."""

from __future__ import annotations

import uuid

import pytest

from agent_gateway_client import (
    AgentDetail,
    ChatResult,
    DeltaEvent,
    DoneEvent,
    ErrorEvent,
    InvokeResult,
    SessionEvent,
    ToolCallEvent,
    ToolResultEvent,
)
from agent_gateway_core.testing import ScriptedReply, reply, tool_call

from ._flavours import Both
from ._served import ScriptedModel

pytestmark = pytest.mark.integration


async def test_agents_are_listed_as_one_page_of_typed_items(client: Both) -> None:
    page = await client.agents.list()

    ids = [agent.id for agent in page]
    assert {"assistant", "triage", "batch", "dormant"} <= set(ids)
    assert page.total == len(page) == len(ids)
    assert page.offset == 0
    assert not page.has_more
    assert await page.next_page() is None
    assistant = next(agent for agent in page if agent.id == "assistant")
    assert assistant.display_name == "Assistant"
    assert assistant.skills == ["lookup"]


async def test_an_agent_is_described_with_its_schemas_and_schedules(client: Both) -> None:
    triage = await client.agents.get("triage")
    assistant = await client.agents.get("assistant")

    assert isinstance(triage, AgentDetail)
    assert triage.input_schema is not None
    assert triage.input_schema["required"] == ["tier"]
    assert [s.name for s in assistant.schedules] == ["daily"]


async def test_invoke_returns_the_typed_result(client: Both, model: ScriptedModel) -> None:
    model.push(reply("Bonjour"))

    result = await client.agents.invoke(
        "triage", "Translate hello", input={"tier": "pro"}, options={"max_tokens": 50}
    )

    assert isinstance(result, InvokeResult)
    assert result.status == "succeeded"
    assert result.raw_text == "Bonjour"
    assert result.agent_id == "triage"
    assert result.usage.total_tokens == 15
    assert result.usage.llm_calls == 1
    assert not result.replayed
    stored = await client.executions.get(result.execution_id)
    assert stored.input == {"tier": "pro"}


async def test_an_async_agent_answers_queued_and_wait_returns_its_execution(
    client: Both,
) -> None:
    accepted = await client.agents.invoke("batch", "Summarise this")

    assert accepted.status == "queued"
    assert accepted.poll_url == f"/v1/executions/{accepted.execution_id}"
    done = await client.executions.wait(accepted.execution_id, timeout=20, poll_interval=0.05)
    assert done.status == "succeeded"
    assert done.raw_text == "echo: Summarise this"


async def test_background_on_request_with_the_async_option(client: Both) -> None:
    accepted = await client.agents.invoke("assistant", "later", options={"async": True})

    assert accepted.status == "queued"
    done = await client.executions.wait(accepted.execution_id, timeout=20, poll_interval=0.05)
    assert done.raw_text == "echo: later"


async def test_an_idempotent_rerun_returns_the_first_execution_and_runs_nothing(
    client: Both,
) -> None:
    key = f"nightly-{uuid.uuid4()}"
    before = (await client.executions.list(agent_id="assistant", limit=1)).total

    first = await client.agents.invoke("assistant", "once", idempotency_key=key)
    again = await client.agents.invoke("assistant", "once", idempotency_key=key)

    assert again.execution_id == first.execution_id
    assert again.replayed
    assert not first.replayed
    assert again.raw_text == first.raw_text == "echo: once"
    after = (await client.executions.list(agent_id="assistant", limit=1)).total
    assert after == before + 1  # counted on the server: one execution for two calls


async def test_chat_send_starts_and_continues_a_session(client: Both) -> None:
    first = await client.chat.send("assistant", "Hi, I am Ada")
    second = await client.chat.send("assistant", "Who am I?", session_id=first.session_id)

    assert isinstance(first, ChatResult)
    assert first.session_id.startswith("sess_")
    assert second.session_id == first.session_id
    assert second.raw_text == "echo: Who am I?"
    assert second.execution_id != first.execution_id


async def test_chat_stream_yields_typed_events_from_session_to_done(
    client: Both, model: ScriptedModel
) -> None:
    model.push(tool_call("stock-level", {"sku": "A1"}), reply("There are 42 units."))

    events = [event async for event in client.chat.stream("assistant", "Stock of A1?")]

    types = [event.type for event in events]
    assert types[0] == "session"
    assert types[-1] == "done"
    assert {"tool_call", "tool_result", "delta"} <= set(types)
    session = events[0]
    assert isinstance(session, SessionEvent)
    call = next(e for e in events if isinstance(e, ToolCallEvent))
    assert call.name == "stock-level"
    assert call.arguments == {"sku": "A1"}
    result = next(e for e in events if isinstance(e, ToolResultEvent))
    assert result.success
    assert result.output == {"sku": "A1", "units": 42}
    assert result.call_id == call.id
    text = "".join(e.text for e in events if isinstance(e, DeltaEvent))
    assert text == "There are 42 units."
    done = events[-1]
    assert isinstance(done, DoneEvent)
    assert done.result.raw_text == text
    assert done.result.session_id == session.session_id
    assert [e.event_id for e in events] == [str(n) for n in range(1, len(events) + 1)]


async def test_a_stream_whose_turn_fails_ends_with_an_error_event(
    client: Both, model: ScriptedModel
) -> None:
    model.push(ScriptedReply(status=400, error_message="bad request upstream"))

    events = [event async for event in client.chat.stream("assistant", "fail please")]

    assert events[0].type == "session"
    last = events[-1]
    assert isinstance(last, ErrorEvent)
    assert last.error.code.startswith("llm_")
    assert last.error.execution_id == events[0].execution_id


async def test_leaving_a_stream_early_closes_it(client: Both) -> None:
    async for event in client.chat.stream("assistant", "hello there"):
        assert event.type == "session"
        break
    # The connection went back to the pool or was closed: the client still works.
    assert (await client.chat.send("assistant", "still here")).raw_text == "echo: still here"
