"""The store going away while executions run: their ends are kept in memory and retried until
it is back, written exactly once, and drained at shutdown.

The in-memory persistence simulates the outage (``available = False``); a wrapper around its
execution store simulates a write that landed but whose answer was lost. Backoff sleeps run on
a ManualClock, so every retry happens when the test moves time, not by chance.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import pytest

from agent_gateway_core import Runtime
from agent_gateway_core.domain.agent import AgentDefinition, ModelConfig
from agent_gateway_core.domain.events import EventType, ExecutionEvent, NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionResult, ExecutionStatus
from agent_gateway_core.engine.event_log import EventLog
from agent_gateway_core.engine.final_writes import FinalWrite, FinalWrites
from agent_gateway_core.engine.request import ExecutionRequest, StreamItem, StreamStarted
from agent_gateway_core.errors import BackendUnavailableError, FinalWritePendingError
from agent_gateway_core.ports.persistence import (
    ExecutionQuery,
    ExecutionStore,
    ExecutionUpdate,
    Page,
)
from agent_gateway_core.testing import InMemoryPersistence, ManualClock, ScriptedLLM, reply
from agent_gateway_core.testing import tool_call as tool_call_reply
from agent_gateway_core.workspace.state import WorkspaceState

pytestmark = pytest.mark.unit

MODEL = ModelConfig(name="test/model")
TERMINAL_EVENTS = {
    EventType.COMPLETED,
    EventType.FAILED,
    EventType.CANCELLED,
    EventType.TIMED_OUT,
}


class AnswerLosingStore(ExecutionStore):
    """The in-memory execution store, except that the next call of each method named in
    ``lose_answer`` is applied and then fails as if the connection dropped before the answer
    came back. ``calls`` counts every call by method name."""

    def __init__(self, inner: ExecutionStore) -> None:
        self.inner = inner
        self.lose_answer: set[str] = set()
        self.calls: Counter[str] = Counter()

    def _answer(self, method: str) -> None:
        if method in self.lose_answer:
            self.lose_answer.discard(method)
            raise BackendUnavailableError("connection lost before the answer (simulated)")

    async def create(self, record: ExecutionRecord, events: Sequence[NewEvent] = ()) -> None:
        self.calls["create"] += 1
        await self.inner.create(record, events)
        self._answer("create")

    async def get(self, execution_id: str) -> ExecutionRecord | None:
        self.calls["get"] += 1
        return await self.inner.get(execution_id)

    async def transition(
        self, execution_id: str, update: ExecutionUpdate, events: Sequence[NewEvent] = ()
    ) -> ExecutionRecord:
        self.calls["transition"] += 1
        record = await self.inner.transition(execution_id, update, events)
        self._answer("transition")
        return record

    async def query(self, query: ExecutionQuery) -> Page[ExecutionRecord]:
        return await self.inner.query(query)

    async def append_events(
        self, execution_id: str, events: list[NewEvent]
    ) -> list[ExecutionEvent]:
        self.calls["append_events"] += 1
        stored = await self.inner.append_events(execution_id, events)
        self._answer("append_events")
        return stored

    async def list_events(self, execution_id: str, after_seq: int = 0) -> list[ExecutionEvent]:
        return await self.inner.list_events(execution_id, after_seq)


class Persistence(InMemoryPersistence):
    """In-memory persistence whose execution store can lose answers."""

    def __init__(self) -> None:
        super().__init__()
        self.store = AnswerLosingStore(super().executions)

    @property
    def executions(self) -> AnswerLosingStore:
        return self.store


class Setup:
    """A runtime over the fakes; ``unplug_after_model`` takes the store down as the model
    answers (the run then ends with the store away)."""

    def __init__(self) -> None:
        self.llm = ScriptedLLM()
        self.persistence = Persistence()
        self.clock = ManualClock()
        agents = {
            "helper": AgentDefinition(id="helper", prompt="You help.", model=MODEL),
            "tooled": AgentDefinition(id="tooled", model=MODEL, tools=("unplug", "replug")),
        }
        self.runtime = Runtime(
            workspace=WorkspaceState(root=None, agents=agents),
            llm=self.llm,
            persistence=self.persistence,
            clock=self.clock,
            final_writes_drain_seconds=1.0,
        )

        @self.runtime.tool
        def unplug() -> str:
            """Take the store down."""
            self.persistence.available = False
            return "unplugged"

        @self.runtime.tool
        def replug() -> str:
            """Bring the store back."""
            self.persistence.available = True
            return "replugged"

    def unplug_after_model(self) -> None:
        async def unplug(**_: Any) -> None:
            self.persistence.available = False

        self.runtime.on("llm.call.after", unplug)

    async def settle(self) -> None:
        """Move time on until no end waits for the store (the store must be back)."""
        for _ in range(50):
            if not self.runtime.pending_final_writes:
                return
            self.clock.advance(5.0)  # the longest backoff step
            await asyncio.sleep(0.001)
        pytest.fail(f"ends still pending: {self.runtime.pending_final_writes}")

    async def record(self, execution_id: str) -> ExecutionRecord:
        self.persistence.available = True
        record = await self.persistence.store.inner.get(execution_id)
        assert record is not None
        return record

    async def event_types(self, execution_id: str) -> list[EventType]:
        events = await self.persistence.store.inner.list_events(execution_id)
        return [event.type for event in events]


@pytest.fixture
async def setup() -> Any:
    setup = Setup()
    try:
        yield setup
    finally:
        setup.persistence.available = True
        await setup.runtime.aclose()


def request(message: str = "hello", agent_id: str = "helper") -> ExecutionRequest:
    return ExecutionRequest(agent_id=agent_id, message=message)


async def until(check: Callable[[], object]) -> None:
    async with asyncio.timeout(2):
        while True:
            if check():
                return
            await asyncio.sleep(0.001)


async def read_all(stream: AsyncIterator[StreamItem], items: list[StreamItem]) -> None:
    async for item in stream:
        items.append(item)


# ---------------------------------------------------------------- the end of a run


async def test_an_end_the_store_cannot_take_is_stored_once_it_is_back(setup) -> None:
    setup.unplug_after_model()
    setup.llm.push(reply("the answer"))
    sent = request()

    with pytest.raises(FinalWritePendingError) as caught:
        await setup.runtime.execute(sent)

    error = caught.value
    assert isinstance(error, BackendUnavailableError)  # 503 over HTTP
    assert error.execution_id == sent.execution_id
    assert error.status is ExecutionStatus.SUCCEEDED
    assert isinstance(error.result, ExecutionResult)
    assert error.result.raw_text == "the answer"
    assert setup.runtime.pending_final_writes == [sent.execution_id]
    assert (await setup.record(sent.execution_id)).status is ExecutionStatus.RUNNING

    await setup.settle()

    record = await setup.record(sent.execution_id)
    assert record.status is ExecutionStatus.SUCCEEDED
    assert record.raw_text == "the answer"
    assert record.usage.input_tokens == 10  # the result and usage travel with the end
    assert await setup.event_types(sent.execution_id) == [
        EventType.STARTED,
        EventType.MODEL_RESPONSE,
        EventType.COMPLETED,
    ]


async def test_retries_back_off_and_probe_the_store_once_per_step_however_many_wait(
    setup,
) -> None:
    setup.unplug_after_model()
    sent = [request(f"run {n}") for n in range(3)]
    for each in sent:
        setup.persistence.available = True
        with pytest.raises(FinalWritePendingError):
            await setup.runtime.execute(each)
    calls_before = setup.persistence.store.calls["get"]

    for _ in range(600):  # one minute of store outage, a tenth of a second at a time
        setup.clock.advance(0.1)
        for _ in range(5):
            await asyncio.sleep(0)  # the retry runs and goes back to sleep

    attempts = setup.persistence.store.calls["get"] - calls_before
    # 0.1 s doubling to 5 s, each step jittered to between half and all of it: about 16 to
    # 29 attempts in a minute, each a single read however many ends wait.
    assert 14 <= attempts <= 31, attempts
    assert setup.runtime.pending_final_writes == [each.execution_id for each in sent]

    setup.persistence.available = True
    await setup.settle()
    for each in sent:
        assert (await setup.record(each.execution_id)).status is ExecutionStatus.SUCCEEDED


async def test_an_end_that_landed_but_whose_answer_was_lost_is_not_written_again(setup) -> None:
    setup.llm.push(reply("landed"))
    setup.persistence.store.lose_answer.add("transition")
    sent = request()

    with pytest.raises(FinalWritePendingError):
        await setup.runtime.execute(sent)
    await setup.settle()

    record = await setup.record(sent.execution_id)
    assert record.status is ExecutionStatus.SUCCEEDED
    types = await setup.event_types(sent.execution_id)
    assert [t for t in types if t in TERMINAL_EVENTS] == [EventType.COMPLETED]  # once
    assert setup.persistence.store.calls["transition"] == 1  # never sent again


async def test_an_execution_ended_elsewhere_meanwhile_keeps_that_end(setup) -> None:
    setup.unplug_after_model()
    sent = request()
    with pytest.raises(FinalWritePendingError):
        await setup.runtime.execute(sent)
    setup.persistence.available = True
    await setup.persistence.store.inner.transition(
        sent.execution_id,
        ExecutionUpdate(status=ExecutionStatus.FAILED, at=setup.clock.now(), error="taken over"),
    )

    await setup.settle()

    record = await setup.record(sent.execution_id)
    assert (record.status, record.error) == (ExecutionStatus.FAILED, "taken over")


async def test_a_chat_turn_whose_end_is_pending_is_not_added_to_the_session(setup) -> None:
    session_id, first = await setup.runtime.chat("helper", "one")
    setup.unplug_after_model()

    with pytest.raises(FinalWritePendingError) as caught:
        await setup.runtime.chat("helper", "two", session_id=session_id)

    session = setup.runtime.get_session(session_id)
    assert session is not None
    assert [m.content for m in session.messages] == ["one", first.raw_text]
    setup.persistence.available = True
    await setup.settle()
    record = await setup.record(caught.value.execution_id)
    assert record.status is ExecutionStatus.SUCCEEDED


async def test_a_stream_ends_with_the_pending_error_naming_its_execution(setup) -> None:
    setup.unplug_after_model()
    items: list[StreamItem] = []

    with pytest.raises(FinalWritePendingError) as caught:
        await read_all(setup.runtime.stream_chat("helper", "hi"), items)

    assert isinstance(items[0], StreamStarted)
    assert caught.value.execution_id == items[0].execution_id
    setup.persistence.available = True
    await setup.settle()
    record = await setup.record(items[0].execution_id)
    assert record.status is ExecutionStatus.SUCCEEDED


async def test_a_cancelled_run_whose_end_cannot_be_stored_still_ends_cancelled(setup) -> None:
    setup.llm.push(reply("slow", delay_seconds=30))
    sent = request()
    task = asyncio.create_task(setup.runtime.execute(sent))
    await until(lambda: setup.llm.requests)  # running, waiting for the model
    setup.persistence.available = False
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task  # the caller sees its cancellation, not the store's outage

    setup.persistence.available = True
    await setup.settle()
    assert (await setup.record(sent.execution_id)).status is ExecutionStatus.CANCELLED


# ---------------------------------------------------------------- events during a run


async def test_events_the_store_cannot_take_during_a_run_go_with_its_end(setup) -> None:
    setup.llm.push(tool_call_reply("unplug"), tool_call_reply("replug"), reply("done"))
    sent = request(agent_id="tooled")

    result = await setup.runtime.execute(sent)  # the outage did not end the run

    assert result.status is ExecutionStatus.SUCCEEDED
    assert await setup.event_types(sent.execution_id) == [
        EventType.STARTED,
        EventType.MODEL_RESPONSE,
        EventType.TOOL_CALL,
        EventType.TOOL_RESULT,  # kept in memory while the store was away
        EventType.MODEL_RESPONSE,
        EventType.TOOL_CALL,
        EventType.TOOL_RESULT,
        EventType.MODEL_RESPONSE,
        EventType.COMPLETED,
    ]


async def test_events_whose_write_landed_but_whose_answer_was_lost_are_not_repeated(
    setup,
) -> None:
    setup.llm.push(tool_call_reply("replug"), tool_call_reply("replug"), reply("done"))
    setup.persistence.store.lose_answer.add("append_events")
    sent = request(agent_id="tooled")

    result = await setup.runtime.execute(sent)

    assert result.status is ExecutionStatus.SUCCEEDED
    events = await setup.persistence.store.inner.list_events(sent.execution_id)
    assert [e.type for e in events] == [
        EventType.STARTED,
        EventType.MODEL_RESPONSE,
        EventType.TOOL_CALL,
        EventType.TOOL_RESULT,
        EventType.MODEL_RESPONSE,
        EventType.TOOL_CALL,
        EventType.TOOL_RESULT,
        EventType.MODEL_RESPONSE,
        EventType.COMPLETED,
    ]
    assert [e.seq for e in events] == list(range(1, 10))


async def test_a_run_that_ends_while_the_store_is_away_stores_every_event_once_it_is_back(
    setup,
) -> None:
    setup.llm.push(tool_call_reply("unplug"), reply("done while away"))
    sent = request(agent_id="tooled")

    with pytest.raises(FinalWritePendingError):
        await setup.runtime.execute(sent)
    setup.persistence.available = True
    await setup.settle()

    record = await setup.record(sent.execution_id)
    assert (record.status, record.raw_text) == (ExecutionStatus.SUCCEEDED, "done while away")
    assert await setup.event_types(sent.execution_id) == [
        EventType.STARTED,
        EventType.MODEL_RESPONSE,
        EventType.TOOL_CALL,
        EventType.TOOL_RESULT,
        EventType.MODEL_RESPONSE,
        EventType.COMPLETED,
    ]


# ---------------------------------------------------------------- shutdown


async def test_shutdown_stores_the_pending_ends_when_the_store_is_back(setup) -> None:
    setup.unplug_after_model()
    sent = request()
    with pytest.raises(FinalWritePendingError):
        await setup.runtime.execute(sent)
    setup.persistence.available = True

    await setup.runtime.aclose()  # no time moved: the drain tries at once

    assert setup.runtime.pending_final_writes == []
    assert (await setup.record(sent.execution_id)).status is ExecutionStatus.SUCCEEDED


async def test_shutdown_gives_up_after_its_drain_time_and_logs_what_it_could_not_store(
    setup, caplog: pytest.LogCaptureFixture
) -> None:
    setup.unplug_after_model()
    sent = request()
    with pytest.raises(FinalWritePendingError):
        await setup.runtime.execute(sent)

    started = asyncio.get_running_loop().time()
    with caplog.at_level(logging.ERROR, logger="agent_gateway_core.engine.final_writes"):
        await setup.runtime.aclose()
    waited = asyncio.get_running_loop().time() - started

    assert waited < 3  # final_writes_drain_seconds=1.0
    assert sent.execution_id in caplog.text
    assert "not stored before shutdown" in caplog.text
    assert (await setup.record(sent.execution_id)).status is ExecutionStatus.RUNNING


async def test_the_store_recovering_mid_drain_is_used(setup) -> None:
    setup.unplug_after_model()
    sent = request()
    with pytest.raises(FinalWritePendingError):
        await setup.runtime.execute(sent)

    closing = asyncio.create_task(setup.runtime.aclose())
    await until(lambda: setup.clock.sleepers)  # tried at once, failed, now backing off
    setup.persistence.available = True
    setup.clock.advance(0.1)  # the first backoff step of the drain
    await closing

    assert (await setup.record(sent.execution_id)).status is ExecutionStatus.SUCCEEDED


# ---------------------------------------------------------------- taken over meanwhile


async def test_an_execution_another_instance_took_over_meanwhile_keeps_its_run(setup) -> None:
    store = setup.persistence.store.inner
    now = setup.clock.now()
    taken_over = ExecutionRecord(
        id="exec-1",
        agent_id="helper",
        status=ExecutionStatus.RUNNING,  # run again, by the instance that took it over
        created_at=now,
        started_at=now,
        owner="instance-b",
    )
    await store.create(taken_over)
    writes = FinalWrites(store, setup.clock)
    update = ExecutionUpdate(
        status=ExecutionStatus.SUCCEEDED,
        at=now,
        raw_text="from instance a",
        only_from=ExecutionStatus.RUNNING,
    )
    events = EventLog(store, "exec-1", setup.clock, last_seq=0)
    events.add(EventType.COMPLETED)
    write = FinalWrite(execution_id="exec-1", update=update, events=events, owner="instance-a")

    assert writes.keep(write, BackendUnavailableError("down (simulated)"))
    for _ in range(10):
        setup.clock.advance(5.0)
        await asyncio.sleep(0.001)

    assert writes.pending == []
    record = await store.get("exec-1")
    assert record is not None
    assert (record.status, record.owner) == (ExecutionStatus.RUNNING, "instance-b")
    assert await store.list_events("exec-1") == []
    await writes.aclose(0.1)
