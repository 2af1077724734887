"""A runtime with memory, on the in-memory fakes; the scripted model answers the agent, the
memory extraction and the compaction prompts each from its own queue."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from agent_gateway_core import Runtime
from agent_gateway_core.domain.agent import AgentDefinition, MemoryConfig, ModelConfig
from agent_gateway_core.memory.policy import MemoryPolicy
from agent_gateway_core.ports.llm_client import LLMRequest
from agent_gateway_core.testing import (
    InMemoryMemoryManager,
    InMemoryPersistence,
    ManualClock,
    ScriptedLLM,
    ScriptedReply,
    reply,
)
from agent_gateway_core.workspace.state import WorkspaceState

MODEL = "test/model"
EXTRACTION = "memory extraction system"
COMPACTION = "memory compaction system"


def make_agent(agent_id: str = "helper", **fields: Any) -> AgentDefinition:
    fields.setdefault("prompt", "You help.")
    fields.setdefault("model", ModelConfig(name=MODEL))
    fields.setdefault("memory", MemoryConfig(enabled=True))
    return AgentDefinition(id=agent_id, **fields)


def system_text(request: LLMRequest) -> str:
    return request.messages[0].content or ""


def kind_of(request: LLMRequest) -> str:
    system = system_text(request)
    if EXTRACTION in system:
        return "extraction"
    if COMPACTION in system:
        return "compaction"
    return "agent"


@dataclass
class Answers:
    """What the scripted model answers, by the kind of prompt it gets. The agent's turns
    answer from ``agent`` then "ok"; extraction from ``extraction`` then ``[]``;
    compaction from ``compaction`` then an answer that is no JSON."""

    agent: list[ScriptedReply] = field(default_factory=list)
    extraction: list[ScriptedReply] = field(default_factory=list)
    compaction: list[ScriptedReply] = field(default_factory=list)

    def __call__(self, request: LLMRequest) -> ScriptedReply:
        kind = kind_of(request)
        if kind == "extraction":
            return self.extraction.pop(0) if self.extraction else reply("[]")
        if kind == "compaction":
            return self.compaction.pop(0) if self.compaction else reply("no JSON here")
        return self.agent.pop(0) if self.agent else reply("ok")


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def llm(answers: Answers) -> ScriptedLLM:
    return ScriptedLLM(default=answers)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def memory(clock: ManualClock) -> InMemoryMemoryManager:
    return InMemoryMemoryManager(clock)


RuntimeFactory = Callable[..., Runtime]


@pytest.fixture
async def make_runtime(
    llm: ScriptedLLM, clock: ManualClock, memory: InMemoryMemoryManager
) -> AsyncIterator[RuntimeFactory]:
    """``make_runtime(*agents, policy=..., with_memory=...)``: a runtime over those agents
    (default: one memory-enabled ``helper``) with the ``memory`` fixture (unless
    ``with_memory=False``), closed after the test."""
    made: list[Runtime] = []

    def make(
        *agents: AgentDefinition,
        policy: MemoryPolicy | None = None,
        with_memory: bool = True,
        **kwargs: Any,
    ) -> Runtime:
        workspace = WorkspaceState(root=None, agents={a.id: a for a in (agents or (make_agent(),))})
        runtime = Runtime(
            workspace=workspace,
            llm=llm,
            persistence=InMemoryPersistence(),
            clock=clock,
            memory=memory if with_memory else None,
            memory_policy=policy,
            **kwargs,
        )
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        await runtime.aclose()


def requests_of(llm: ScriptedLLM, kind: str) -> list[LLMRequest]:
    return [request for request in llm.requests if kind_of(request) == kind]


async def eventually(check: Callable[[], Awaitable[bool]], *, turns: int = 200) -> None:
    """Let background tasks run until ``check()`` holds (fails after ``turns`` loop turns)."""
    for _ in range(turns):
        if await check():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never held")


async def settle(turns: int = 50) -> None:
    """Let background tasks run for a while (to show that something did *not* happen)."""
    for _ in range(turns):
        await asyncio.sleep(0)
