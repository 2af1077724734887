"""Runtimes over in-memory persistence and an in-memory queue, for the background tests.

Every runtime a test builds through the ``bg`` fixture is closed when the test ends, so no
detached execution or worker outlives it. The queue's clock is a ``ManualClock``: a test moves
it to expire a visibility timeout; nothing else waits on it.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from agent_gateway_core import Runtime
from agent_gateway_core.domain.agent import AgentDefinition, ModelConfig
from agent_gateway_core.domain.events import EventType, ExecutionEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.execution_queue import Delivery, ExecutionJob, ExecutionQueue
from agent_gateway_core.ports.persistence import ExecutionQuery
from agent_gateway_core.testing import (
    InMemoryExecutionQueue,
    InMemoryPersistence,
    ManualClock,
    ScriptedLLM,
)
from agent_gateway_core.workspace.state import WorkspaceState

MODEL = ModelConfig(name="test/model")
CITY_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}
WAIT_SECONDS = 2.0  # the longest any test waits for something that should happen
FAST_RECEIVE = 0.05  # receive timeout of every worker the tests start


def workspace(**overrides: AgentDefinition) -> WorkspaceState:
    """``helper`` (enabled), ``off`` (disabled), ``strict`` (an input schema), ``nomodel``
    (no model anywhere); ``overrides`` replace or add agents by id."""
    agents = {
        "helper": AgentDefinition(id="helper", prompt="You help.", model=MODEL),
        "off": AgentDefinition(id="off", model=MODEL, enabled=False),
        "strict": AgentDefinition(id="strict", model=MODEL, input_schema=CITY_SCHEMA),
        "nomodel": AgentDefinition(id="nomodel"),
        **overrides,
    }
    return WorkspaceState(root=None, agents=agents)


async def eventually(
    check: Callable[[], bool | Awaitable[bool]],
    *,
    what: str = "condition",
) -> None:
    """Poll ``check`` every few milliseconds until it is true; fail after WAIT_SECONDS."""
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            while True:
                outcome = check()
                if inspect.isawaitable(outcome):
                    outcome = await outcome
                if outcome:
                    return
                await asyncio.sleep(0.005)
    except TimeoutError:
        pytest.fail(f"timed out after {WAIT_SECONDS} s waiting for {what}")


@dataclass
class Background:
    """The shared fakes, and helpers to build runtimes over them and read what they stored."""

    llm: ScriptedLLM = field(default_factory=ScriptedLLM)
    persistence: InMemoryPersistence = field(default_factory=InMemoryPersistence)
    clock: ManualClock = field(default_factory=ManualClock)
    queue: InMemoryExecutionQueue = field(init=False)
    runtimes: list[Runtime] = field(default_factory=list)

    # Test modules cannot import from a conftest (importlib import mode), so they reach the
    # module's helpers through the fixture.
    workspace = staticmethod(workspace)
    eventually = staticmethod(eventually)
    receive_timeout = FAST_RECEIVE

    def __post_init__(self) -> None:
        self.queue = self.make_queue()

    def count_event_reads(self, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        """The ids whose event log is read from now on (a run's tool-call journal reads it)."""
        store = self.persistence.executions
        reads: list[str] = []
        list_events = store.list_events

        async def counting(execution_id: str, after_seq: int = 0) -> list[ExecutionEvent]:
            reads.append(execution_id)
            return await list_events(execution_id, after_seq)

        monkeypatch.setattr(store, "list_events", counting)
        return reads

    def make_queue(self, **options: Any) -> InMemoryExecutionQueue:
        options.setdefault("clock", self.clock)
        options.setdefault("poll_interval_seconds", 0.005)
        return InMemoryExecutionQueue(**options)

    def runtime(
        self,
        *,
        queue: ExecutionQueue | None = None,
        with_queue: bool = False,
    ) -> Runtime:
        """A runtime over the shared fakes: no queue unless ``with_queue`` (the shared one)
        or a ``queue`` is given."""
        if queue is None and with_queue:
            queue = self.queue
        runtime = Runtime(
            workspace=workspace(),
            llm=self.llm,
            persistence=self.persistence,
            queue=queue,
            clock=self.clock,
        )
        self.runtimes.append(runtime)
        return runtime

    @staticmethod
    def request(message: str = "hello", **fields: Any) -> ExecutionRequest:
        fields.setdefault("agent_id", "helper")
        return ExecutionRequest(message=message, **fields)

    async def record(self, execution_id: str) -> ExecutionRecord:
        record = await self.persistence.executions.get(execution_id)
        assert record is not None, f"execution {execution_id} is not stored"
        return record

    async def status(self, execution_id: str) -> ExecutionStatus:
        return (await self.record(execution_id)).status

    async def events(self, execution_id: str) -> list[ExecutionEvent]:
        return await self.persistence.executions.list_events(execution_id)

    async def event_types(self, execution_id: str) -> list[EventType]:
        return [event.type for event in await self.events(execution_id)]

    async def stored(self) -> list[ExecutionRecord]:
        return list((await self.persistence.executions.query(ExecutionQuery(limit=100))).items)

    async def wait_for_status(self, execution_id: str, status: ExecutionStatus) -> ExecutionRecord:
        async def reached() -> bool:
            return await self.status(execution_id) is status

        await eventually(reached, what=f"{execution_id} to be {status.value}")
        return await self.record(execution_id)

    async def wait_for_model_calls(self, count: int = 1) -> None:
        await eventually(lambda: len(self.llm.requests) >= count, what=f"{count} model call(s)")

    async def wait_for_pending(self, count: int) -> None:
        """Wait until ``count`` jobs of the shared queue are not yet acknowledged."""

        async def reached() -> bool:
            return await self.queue.pending_count() == count

        await eventually(reached, what=f"{count} pending job(s)")

    async def receive(self) -> Delivery:
        """The next job of the shared queue, handed out as a worker would receive it."""
        delivery = await self.queue.receive(0)
        assert delivery is not None, "the queue has no job to deliver"
        return delivery

    def double_queue(self, **behaviour: Any) -> DoubleQueue:
        """A :class:`DoubleQueue` over the shared in-memory queue."""
        return DoubleQueue(self.queue, **behaviour)

    async def aclose(self) -> None:
        for runtime in self.runtimes:
            await runtime.aclose()


@pytest.fixture
async def bg() -> AsyncIterator[Background]:
    background = Background()
    try:
        yield background
    finally:
        await background.aclose()


class DoubleQueue(ExecutionQueue):
    """A test double of the ExecutionQueue port: it forwards every call to an in-memory queue,
    except that ``enqueue_down`` makes ``enqueue`` raise BackendUnavailableError and each of
    the next ``receive_failures`` calls of ``receive`` raises it too. ``cancel_seen`` is set
    once ``is_cancel_requested`` has answered ``True``; ``closed`` once ``aclose`` ran."""

    def __init__(
        self,
        inner: InMemoryExecutionQueue,
        *,
        enqueue_down: bool = False,
        receive_failures: int = 0,
    ) -> None:
        self.inner = inner
        self.max_attempts = inner.max_attempts
        self.enqueue_down = enqueue_down
        self.receive_failures = receive_failures
        self.failed_receives = 0
        self.cancel_seen = asyncio.Event()
        self.closed = False

    async def enqueue(self, job: ExecutionJob) -> None:
        if self.enqueue_down:
            raise BackendUnavailableError("test queue is unavailable (enqueue refused)")
        await self.inner.enqueue(job)

    async def receive(self, timeout_seconds: float) -> Delivery | None:
        if self.failed_receives < self.receive_failures:
            self.failed_receives += 1
            raise BackendUnavailableError("test queue is unavailable (receive refused)")
        return await self.inner.receive(timeout_seconds)

    @property
    def visibility_timeout_seconds(self) -> float:
        return self.inner.visibility_timeout_seconds

    async def extend(self, delivery: Delivery) -> None:
        await self.inner.extend(delivery)

    async def ack(self, delivery: Delivery) -> None:
        await self.inner.ack(delivery)

    async def retry(self, delivery: Delivery, error: str) -> bool:
        return await self.inner.retry(delivery, error)

    async def release(self, delivery: Delivery) -> None:
        await self.inner.release(delivery)

    async def dead_letters(self) -> list[ExecutionJob]:
        return await self.inner.dead_letters()

    async def request_cancel(self, execution_id: str) -> None:
        await self.inner.request_cancel(execution_id)

    async def is_cancel_requested(self, execution_id: str) -> bool:
        requested = await self.inner.is_cancel_requested(execution_id)
        if requested:
            self.cancel_seen.set()
        return requested

    async def pending_count(self) -> int:
        return await self.inner.pending_count()

    async def aclose(self) -> None:
        self.closed = True
        await self.inner.aclose()
