"""System prompt assembly: section order, memory and retrievers, what is cached."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from agent_gateway_core.domain.agent import AgentDefinition, AgentScope, ContextFile, MemoryConfig
from agent_gateway_core.domain.execution import ExecutionOptions
from agent_gateway_core.domain.memory import MemoryScope
from agent_gateway_core.domain.skill import SkillDefinition, WorkflowStep
from agent_gateway_core.domain.user_config import UserAgentConfig
from agent_gateway_core.engine.prompt import static_prompt
from agent_gateway_core.testing import InMemoryMemoryManager, StaticRetriever

pytestmark = pytest.mark.unit

SKILL = SkillDefinition(
    id="triage",
    name="Triage",
    description="Sort incoming tickets.",
    instructions="Always check the customer tier first.",
    tools=(),
    workflow=(
        WorkflowStep(name="classify", tool="classify-ticket", input={"strict": True}),
        WorkflowStep(
            name="gather",
            parallel=(
                WorkflowStep(name="history", tool="ticket-history"),
                WorkflowStep(name="tier", tool="customer-tier", description="look up the plan"),
            ),
        ),
    ),
)


def system_prompt(harness, index: int = 0) -> str:
    return harness.llm.requests[index].messages[0].content


async def test_sections_come_in_order(harness) -> None:
    memory = InMemoryMemoryManager()
    await memory.remember(MemoryScope(agent_id="helper"), "The billing ticket queue is slow.")
    retriever = StaticRetriever(["Billing tickets go to team B."])
    agent = harness.agent(
        prompt="You triage support tickets.",
        behavior="Stay calm with angry customers.",
        context_files=(ContextFile(name="glossary.md", content="SLA: service level agreement"),),
        skills=("triage",),
        memory=MemoryConfig(enabled=True),
        retrievers=("kb",),
        output_schema={"type": "object"},
    )
    engine = harness.engine(
        agent, skills={"triage": SKILL}, memory=memory, retrievers={"kb": retriever}
    )

    await harness.run(
        engine,
        "a billing ticket arrived",
        input={"ticket": 7},
        instructions="Schedule: nightly sweep.",
        options=ExecutionOptions(instructions="Call: be terse."),
    )

    prompt = system_prompt(harness)
    markers = [
        "You triage support tickets.",
        "Stay calm with angry customers.",
        "## glossary.md",
        "## Skill: Triage",
        "## Memories from earlier conversations",
        "## Context from kb",
        "## Input",
        "Schedule: nightly sweep.",
        "Call: be terse.",
        "## Output format",
    ]
    positions = [prompt.index(marker) for marker in markers]
    assert positions == sorted(positions)
    assert "- [agent, semantic] The billing ticket queue is slow." in prompt
    assert "Billing tickets go to team B." in prompt
    assert '{"ticket": 7}' in prompt


def test_shared_files_and_behavior_come_before_context_and_skills() -> None:
    agent = AgentDefinition(
        id="a",
        prompt="  You triage tickets.\n",
        behavior="Stay calm.",
        context_files=(ContextFile(name="docs/refunds.md", content="Refunds: 30 days.\n"),),
        skills=("triage",),
    )

    prompt = static_prompt(
        agent, {"triage": SKILL}, shared_prompt="You work for Acme.", shared_behavior="No secrets."
    )

    assert prompt.startswith(
        "You work for Acme.\n\nNo secrets.\n\nYou triage tickets.\n\nStay calm.\n\n"
        "## docs/refunds.md\n\nRefunds: 30 days.\n\n## Skill: Triage"
    )


def test_absent_shared_files_and_behavior_leave_no_gap() -> None:
    agent = AgentDefinition(id="a", prompt="Base.")

    assert static_prompt(agent, {}, shared_behavior="No secrets.") == "No secrets.\n\nBase."
    assert static_prompt(agent, {}) == "Base."


def test_workflow_is_rendered_as_ordered_steps() -> None:
    agent = AgentDefinition(id="a", prompt="Base.", skills=("triage",))

    prompt = static_prompt(agent, {"triage": SKILL})

    assert prompt.startswith("Base.\n\n## Skill: Triage\n\nSort incoming tickets.")
    assert "Always check the customer tier first." in prompt
    assert "Follow this workflow, one step after the other:" in prompt
    assert '1. classify: call `classify-ticket` with {"strict": true}' in prompt
    assert "2. gather: run these at the same time (parallel tool calls):" in prompt
    assert "   - history: call `ticket-history`" in prompt
    assert "   - tier: call `customer-tier` — look up the plan" in prompt
    assert prompt.index("1. classify") < prompt.index("2. gather")


def test_a_prompt_step_asks_the_model_and_references_are_explained() -> None:
    skill = SkillDefinition(
        id="orders",
        name="orders",
        workflow=(
            WorkflowStep(name="lookup", tool="lookup-order", input={"id": "$.input.order_id"}),
            WorkflowStep(
                name="answer",
                prompt="Tell the customer where the order is.",
                input={"order": "$.steps.lookup.output"},
            ),
        ),
    )
    agent = AgentDefinition(id="a", prompt="Base.", skills=("orders",))

    prompt = static_prompt(agent, {"orders": skill})

    assert '1. lookup: call `lookup-order` with {"id": "$.input.order_id"}' in prompt
    assert (
        "2. answer: do this yourself, without a tool call: Tell the customer where the order "
        'is. (using {"order": "$.steps.lookup.output"})'
    ) in prompt
    assert prompt.endswith(
        "`$.input.<field>` stands for that field of the request's input, and "
        "`$.steps.<step>.output` for the result of that earlier step (a parallel step's result "
        "is the list of its calls' results, in order)."
    )


def test_references_are_explained_only_when_a_workflow_uses_them() -> None:
    agent = AgentDefinition(id="a", prompt="Base.", skills=("triage",))

    assert "$.input" not in static_prompt(agent, {"triage": SKILL})


async def test_memory_is_capped_at_max_injected_chars(harness) -> None:
    memory = InMemoryMemoryManager()
    scope = MemoryScope(agent_id="helper")
    for n in range(10):
        await memory.remember(scope, f"ticket fact number {n} " + "x" * 30)
    agent = harness.agent(memory=MemoryConfig(enabled=True, max_injected_chars=120))

    await harness.run(harness.engine(agent, memory=memory), "ticket")

    prompt = system_prompt(harness)
    section = prompt[prompt.index("<memories>\n") : prompt.index("\n</memories>")]
    remembered = [line for line in section.splitlines() if line.startswith("- ")]
    assert 1 <= len(remembered) < 10
    assert sum(len(line) + 1 for line in remembered) <= 120


async def test_memory_is_skipped_when_the_agent_does_not_enable_it(harness) -> None:
    memory = InMemoryMemoryManager()
    await memory.remember(MemoryScope(agent_id="helper"), "hello secret")

    await harness.run(harness.engine(harness.agent(), memory=memory), "hello")

    assert "hello secret" not in system_prompt(harness)
    assert "<memories>\n" not in system_prompt(harness)


async def test_personal_agents_recall_the_callers_memories_only(harness) -> None:
    memory = InMemoryMemoryManager()
    await memory.remember(MemoryScope(agent_id="helper", user_id="alice"), "alice likes tea")
    await memory.remember(MemoryScope(agent_id="helper", user_id="bob"), "bob likes tea too")
    agent = harness.agent(scope=AgentScope.PERSONAL, memory=MemoryConfig(enabled=True))
    await harness.persistence.user_configs.save(
        UserAgentConfig(user_id="alice", agent_id="helper", updated_at=datetime.now(UTC))
    )

    await harness.run(harness.engine(agent, memory=memory), "tea", user_id="alice")

    prompt = system_prompt(harness)
    assert "alice likes tea" in prompt
    assert "bob" not in prompt


async def test_failing_retriever_is_logged_and_skipped(harness, caplog) -> None:
    down = StaticRetriever(["never seen"])
    down.available = False
    up = StaticRetriever(["refund policy: 30 days"])
    agent = harness.agent(retrievers=("down", "up", "unregistered"))

    with caplog.at_level(logging.WARNING, logger="agent_gateway_core.engine.prompt"):
        result = await harness.run(
            harness.engine(agent, retrievers={"down": down, "up": up}), "refund policy"
        )

    assert result.succeeded
    prompt = system_prompt(harness)
    assert "refund policy: 30 days" in prompt
    assert "never seen" not in prompt
    messages = [r.getMessage() for r in caplog.records]
    assert any("retriever 'down' failed" in m for m in messages)
    assert any("'unregistered', which is not registered" in m for m in messages)


async def test_static_part_is_built_once_per_snapshot(harness) -> None:
    engine = harness.engine(harness.agent(skills=("triage",)), skills={"triage": SKILL})

    first = engine.plan_for("helper").static_prompt
    await harness.run(engine)

    assert engine.plan_for("helper").static_prompt is first
    assert system_prompt(harness).startswith(first)
