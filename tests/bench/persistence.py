"""Micro-benchmark of the SQLite persistence path, through the store API as the engine uses it.

    uv run python tests/bench/persistence.py              # N=2000, sequential and 16 tasks
    uv run python tests/bench/persistence.py -n 500 --url 'sqlite+aiosqlite:///:memory:'

Each execution is what one queued invoke writes: ``create`` (queued), ``transition`` to
running, ``transition`` to succeeded with result and usage, ``append_events`` with 4 events.
Reported per run: executions/s, store calls/s, CPU ms per execution for the whole process
(``time.process_time``: the event loop and every thread) and for the event-loop thread alone
(``time.thread_time`` read on the loop). The "inputs only" line is the benchmark's own share
(building the records, updates and events), included in the other lines. Not collected by
pytest; numbers, not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus, StopReason
from agent_gateway_core.domain.ids import new_execution_id
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.ports.persistence import ExecutionStore, ExecutionUpdate
from agent_gateway_sqlalchemy import SqlAlchemyPersistence

STORE_CALLS_PER_EXECUTION = 4


@dataclass(frozen=True)
class RunFigures:
    label: str
    executions: int
    store_calls: int  # per execution
    seconds: float
    process_cpu_s: float
    loop_cpu_s: float

    def line(self) -> str:
        per = 1000 / self.executions
        calls = self.executions * self.store_calls / self.seconds
        return (
            f"{self.label:<12} {self.executions / self.seconds:>9.0f} exec/s "
            f"{f'{calls:.0f}' if calls else '-':>9} calls/s   "
            f"CPU/exec: process {self.process_cpu_s * per:6.3f} ms, "
            f"event loop {self.loop_cpu_s * per:6.3f} ms"
        )


def execution_inputs() -> tuple[ExecutionRecord, ExecutionUpdate, ExecutionUpdate, list[NewEvent]]:
    """What one queued invoke hands the store: the record, two updates, four events."""
    now = datetime.now(UTC)
    record = ExecutionRecord(
        id=new_execution_id(),
        agent_id="assistant",
        status=ExecutionStatus.QUEUED,
        message="What is the capital of France?",
        input={"topic": "geography"},
        user_id="user-1",
        created_at=now,
    )
    usage = Usage(input_tokens=42, output_tokens=7, llm_calls=1, models_used=("openai/fake",))
    running = ExecutionUpdate(status=ExecutionStatus.RUNNING, at=now)
    succeeded = ExecutionUpdate(
        status=ExecutionStatus.SUCCEEDED,
        at=datetime.now(UTC),
        raw_text="Paris.",
        stop_reason=StopReason.COMPLETED,
        usage=usage,
    )
    events = [
        NewEvent(type=EventType.STARTED, at=now, data={"agent_id": "assistant"}),
        NewEvent(type=EventType.MODEL_RESPONSE, at=now, data={"text": "Paris.", "tools": []}),
        NewEvent(type=EventType.MODEL_DELTA, at=now, data={"text": "Paris."}),
        NewEvent(
            type=EventType.COMPLETED,
            at=now,
            data={"status": "succeeded", "usage": usage.model_dump(mode="json")},
        ),
    ]
    return record, running, succeeded, events


async def one_execution(store: ExecutionStore) -> None:
    """The writes of one queued invoke, in the engine's order."""
    record, running, succeeded, events = execution_inputs()
    await store.create(record)
    await store.transition(record.id, running)
    await store.transition(record.id, succeeded)
    await store.append_events(record.id, events)


async def inputs_only(count: int) -> None:
    """The benchmark's own share: building the inputs, storing nothing."""
    for _ in range(count):
        execution_inputs()


async def sequential(store: ExecutionStore, count: int) -> None:
    for _ in range(count):
        await one_execution(store)


async def concurrent(store: ExecutionStore, count: int, tasks: int = 16) -> None:
    remaining = iter(range(count))

    async def worker() -> None:
        for _ in remaining:
            await one_execution(store)

    await asyncio.gather(*(worker() for _ in range(tasks)))


async def measure(
    label: str, run: Callable[[], Awaitable[None]], count: int, store_calls: int
) -> RunFigures:
    gc.collect()
    started, process, loop = time.perf_counter(), time.process_time(), time.thread_time()
    await run()
    return RunFigures(
        label=label,
        executions=count,
        store_calls=store_calls,
        seconds=time.perf_counter() - started,
        process_cpu_s=time.process_time() - process,
        loop_cpu_s=time.thread_time() - loop,
    )


async def main(url: str, count: int) -> None:
    async with SqlAlchemyPersistence(url, migrate="upgrade") as backend:
        store, calls = backend.executions, STORE_CALLS_PER_EXECUTION
        await sequential(store, 100)  # warm up: statement caches, pages, the thread
        print(f"{backend.name}, {count} executions per run, {STORE_CALLS_PER_EXECUTION} calls each")
        for figures in (
            await measure("inputs only", lambda: inputs_only(count), count, 0),
            await measure("sequential", lambda: sequential(store, count), count, calls),
            await measure("16 tasks", lambda: concurrent(store, count), count, calls),
        ):
            print(figures.line())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="executions per run (default 2000)")
    parser.add_argument("--url", help="database URL (default: a new file in a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(main(args.url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", args.n))
