"""An engine wired to in-memory fakes; each test states only the agents and replies it is about."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.domain.agent import AgentDefinition, Guardrails, ModelConfig
from agent_gateway_core.domain.events import ExecutionEvent, NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionResult
from agent_gateway_core.domain.skill import SkillDefinition
from agent_gateway_core.engine.cancellation import CancellationRegistry
from agent_gateway_core.engine.execution_engine import ExecutionEngine
from agent_gateway_core.engine.hooks import HookRegistry
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.engine.schemas import SchemaSource
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_core.ports.persistence import (
    ExecutionQuery,
    ExecutionStore,
    ExecutionUpdate,
    Page,
)
from agent_gateway_core.ports.retriever import Retriever
from agent_gateway_core.testing import InMemoryPersistence, ScriptedLLM
from agent_gateway_core.workspace.state import ContextRetrieval, ModelDefaults, WorkspaceState

MODEL = "test/primary"


def make_agent(agent_id: str = "helper", **fields: Any) -> AgentDefinition:
    fields.setdefault("prompt", "You are a helpful agent.")
    fields.setdefault("model", ModelConfig(name=MODEL))
    return AgentDefinition(id=agent_id, **fields)


class RecordingExecutionStore(ExecutionStore):
    """The fake's execution store, with a log of every write the engine makes and of the
    executions whose event log it reads."""

    def __init__(self, inner: ExecutionStore) -> None:
        self.inner = inner
        self.writes: list[tuple[str, object]] = []
        self.event_reads: list[str] = []

    async def create(self, record: ExecutionRecord, events: Sequence[NewEvent] = ()) -> None:
        self.writes.append(("create", record.status))
        if events:
            self.writes.append(("events", [e.type for e in events]))
        await self.inner.create(record, events)

    async def get(self, execution_id: str) -> ExecutionRecord | None:
        return await self.inner.get(execution_id)

    async def transition(
        self, execution_id: str, update: ExecutionUpdate, events: Sequence[NewEvent] = ()
    ) -> ExecutionRecord:
        self.writes.append(("transition", update.status))
        if events:
            self.writes.append(("events", [e.type for e in events]))
        return await self.inner.transition(execution_id, update, events)

    async def query(self, query: ExecutionQuery) -> Page[ExecutionRecord]:
        return await self.inner.query(query)

    async def append_events(
        self, execution_id: str, events: list[NewEvent]
    ) -> list[ExecutionEvent]:
        self.writes.append(("events", [e.type for e in events]))
        return await self.inner.append_events(execution_id, events)

    async def list_events(self, execution_id: str, after_seq: int = 0) -> list[ExecutionEvent]:
        self.event_reads.append(execution_id)
        return await self.inner.list_events(execution_id, after_seq)


class RecordingPersistence(InMemoryPersistence):
    """In-memory persistence whose execution store records writes."""

    def __init__(self) -> None:
        super().__init__()
        self.recorder = RecordingExecutionStore(super().executions)

    @property
    def executions(self) -> RecordingExecutionStore:
        return self.recorder


@dataclass
class Harness:
    """The fakes and registries one test engine is built from."""

    llm: ScriptedLLM = field(default_factory=ScriptedLLM)
    persistence: RecordingPersistence = field(default_factory=RecordingPersistence)
    tools: ToolRegistry = field(default_factory=ToolRegistry)
    hooks: HookRegistry = field(default_factory=HookRegistry)
    cancellations: CancellationRegistry = field(default_factory=CancellationRegistry)

    agent = staticmethod(make_agent)

    def engine(
        self,
        *agents: AgentDefinition,
        skills: Mapping[str, SkillDefinition] | None = None,
        model: ModelDefaults | None = None,
        guardrails: Guardrails | None = None,
        memory: MemoryManager | None = None,
        retrievers: Mapping[str, Retriever] | None = None,
        output_schemas: Mapping[str, SchemaSource] | None = None,
        input_schemas: Mapping[str, SchemaSource] | None = None,
        context_retrieval: ContextRetrieval | None = None,
        context: Mapping[str, Any] | None = None,
        shared_prompt: str = "",
    ) -> ExecutionEngine:
        workspace = WorkspaceState(
            root=None,
            agents={a.id: a for a in (agents or (make_agent(),))},
            skills=dict(skills or {}),
            model=model or ModelDefaults(),
            guardrails=guardrails or Guardrails(),
            context_retrieval=context_retrieval or ContextRetrieval(),
            context=dict(context or {}),
            shared_prompt=shared_prompt,
        )
        return ExecutionEngine(
            workspace=workspace,
            llm=self.llm,
            persistence=self.persistence,
            tools=self.tools.with_workspace_tools(workspace.tools),
            clock=SystemClock(),
            hooks=self.hooks,
            cancellations=self.cancellations,
            memory=memory,
            retrievers=retrievers,
            input_schemas=input_schemas,
            output_schemas=output_schemas,
        )

    async def run(
        self, engine: ExecutionEngine, message: str = "hello", **request: Any
    ) -> ExecutionResult:
        request.setdefault("agent_id", "helper")
        return await engine.run(ExecutionRequest(message=message, **request))


@pytest.fixture
def harness() -> Harness:
    return Harness()
