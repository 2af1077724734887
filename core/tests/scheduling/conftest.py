"""Runtimes with a scheduler over in-memory persistence, on a ManualClock that the tests move
from one wake-up to the next, so days of cron time pass in milliseconds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from agent_gateway_core import Runtime
from agent_gateway_core.domain.agent import AgentDefinition, ModelConfig, ScheduleSpec
from agent_gateway_core.domain.execution import ExecutionRecord
from agent_gateway_core.ports.execution_queue import ExecutionQueue
from agent_gateway_core.ports.persistence import ExecutionQuery
from agent_gateway_core.scheduling import SchedulerConfig, SchedulerEngine
from agent_gateway_core.testing import InMemoryPersistence, ManualClock, ScriptedLLM
from agent_gateway_core.workspace.state import WorkspaceState

MODEL = ModelConfig(name="test/model")
DAY = 86_400.0


def agent(agent_id: str = "reporter", *schedules: ScheduleSpec, **fields: Any) -> AgentDefinition:
    return AgentDefinition(
        id=agent_id, prompt="You write reports.", model=MODEL, schedules=schedules, **fields
    )


def workspace(*agents: AgentDefinition, timezone: str = "UTC") -> WorkspaceState:
    return WorkspaceState(root=None, agents={a.id: a for a in agents}, timezone=timezone)


async def settle() -> None:
    """Let every task woken so far run until it waits again (in-memory I/O only yields)."""
    for _ in range(200):
        await asyncio.sleep(0)


@dataclass
class Cluster:
    """Runtimes ("replicas") sharing one store, one LLM and one clock."""

    clock: ManualClock
    persistence: InMemoryPersistence = field(default_factory=InMemoryPersistence)
    llm: ScriptedLLM = field(default_factory=ScriptedLLM)
    runtimes: list[Runtime] = field(default_factory=list)

    async def replica(
        self,
        state: WorkspaceState,
        config: SchedulerConfig | None = None,
        *,
        exclusive: bool = True,
        queue: ExecutionQueue | None = None,
    ) -> Runtime:
        runtime = Runtime(
            workspace=state,
            llm=self.llm,
            persistence=self.persistence,
            queue=queue,
            clock=self.clock,
            instance_lease_seconds=30 * DAY,  # no lease renewals to step through
        )
        self.runtimes.append(runtime)
        await runtime.start()
        await runtime.start_scheduler(
            config or SchedulerConfig(sync_interval_seconds=3600.0), exclusive=exclusive
        )
        return runtime

    async def run_until(self, end: datetime) -> None:
        """Move the clock from one sleeper's deadline to the next until ``end``, letting
        everything woken run at each stop (as the real clock would)."""
        await settle()
        while self.clock.now() < end:
            remaining = (end - self.clock.now()).total_seconds()
            wakeup = self.clock.next_wakeup
            step = remaining if wakeup is None else min(remaining, wakeup - self.clock.monotonic())
            self.clock.advance(max(step, 0.0))
            await settle()

    async def run_for(self, seconds: float) -> None:
        await self.run_until(self.clock.now() + timedelta(seconds=seconds))

    async def executions(self, schedule_id: str | None = None) -> list[ExecutionRecord]:
        page = await self.persistence.executions.query(ExecutionQuery(limit=1000))
        found = [r for r in page.items if schedule_id is None or r.schedule_id == schedule_id]
        return sorted(found, key=lambda r: r.created_at)

    async def fire_times(self, schedule_id: str) -> list[datetime]:
        return [r.created_at for r in await self.executions(schedule_id)]

    async def aclose(self) -> None:
        for runtime in self.runtimes:
            await runtime.aclose()


def scheduler_of(runtime: Runtime) -> SchedulerEngine:
    assert runtime.scheduler is not None
    return runtime.scheduler


@pytest.fixture
async def cluster_at() -> AsyncIterator[Any]:
    """``cluster_at(start)``: a Cluster whose clock starts at ``start``; closed at the end."""
    made: list[Cluster] = []

    def make(start: datetime) -> Cluster:
        made.append(Cluster(clock=ManualClock(start)))
        return made[-1]

    yield make
    for cluster in made:
        await cluster.aclose()
