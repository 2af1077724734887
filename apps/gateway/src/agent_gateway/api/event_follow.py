"""Follow an execution's stored event log until it ends, from whichever replica runs it.

The log is the store's (see the ExecutionStore port): events get ``seq`` 1, 2, ... with no
gaps, and ``list_events(id, after)`` returns those after a seq. A follower that resumes after
the last seq it saw therefore misses none and repeats none. It polls: often while events are
arriving, less often as the execution goes quiet.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from agent_gateway_core.domain.events import EventType, ExecutionEvent
from agent_gateway_core.domain.execution import ExecutionRecord
from agent_gateway_core.ports.persistence.executions import ExecutionStore

TERMINAL_EVENTS = frozenset(
    {EventType.COMPLETED, EventType.FAILED, EventType.CANCELLED, EventType.TIMED_OUT}
)


@dataclass(frozen=True, slots=True)
class Polling:
    """How often the log is read: ``first`` seconds after events arrived, growing by
    ``factor`` while none do, up to ``longest``."""

    first: float = 0.05
    longest: float = 1.0
    factor: float = 2.0


async def follow_events(
    store: ExecutionStore,
    execution_id: str,
    after: int = 0,
    *,
    polling: Polling = Polling(),
) -> AsyncGenerator[list[ExecutionEvent], None]:
    """The events after seq ``after``, in batches as they are stored, until the execution
    has ended: the last batch holds its terminal event (or the record is terminal with no
    event left to read). An empty batch is yielded on every quiet poll, so a caller can keep
    its connection alive."""
    wait = polling.first
    while True:
        events = await store.list_events(execution_id, after)
        if events:
            after = events[-1].seq
            yield events
            if events[-1].type in TERMINAL_EVENTS:
                return
            wait = polling.first
            continue
        record = await store.get(execution_id)
        if record is None or record.status.is_terminal:
            # Ended without a terminal event after ``after`` (one written before it, or an
            # end recorded by recovery): whatever came in meanwhile is the last batch.
            last = await store.list_events(execution_id, after)
            if last:
                yield last
            return
        yield []
        await asyncio.sleep(wait)
        wait = min(wait * polling.factor, polling.longest)


async def wait_until_ended(
    store: ExecutionStore,
    execution_id: str,
    timeout_seconds: float,
    *,
    polling: Polling = Polling(),
) -> ExecutionRecord | None:
    """The record as soon as it is terminal, else as it is after ``timeout_seconds``;
    ``None`` for an unknown id."""
    wait = polling.first
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_seconds
    while True:
        record = await store.get(execution_id)
        remaining = deadline - loop.time()
        if record is None or record.status.is_terminal or remaining <= 0:
            return record
        await asyncio.sleep(min(wait, remaining))
        wait = min(wait * polling.factor, polling.longest)
