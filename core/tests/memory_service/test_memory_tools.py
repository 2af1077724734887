"""memory_save, memory_recall, memory_forget: offered by themselves, scoped to the caller."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from agent_gateway_core.domain.agent import MemoryConfig
from agent_gateway_core.domain.memory import MemoryScope, MemorySource, MemoryType
from agent_gateway_core.domain.messages import Role
from agent_gateway_core.memory.policy import MemoryPolicy
from agent_gateway_core.memory.tools import MEMORY_TOOL_NAMES, memory_tools
from agent_gateway_core.testing import reply, tool_call

from .conftest import make_agent, requests_of

pytestmark = pytest.mark.unit

ALICE = MemoryScope(agent_id="helper", user_id="alice")
BOB = MemoryScope(agent_id="helper", user_id="bob")
AGENT_WIDE = MemoryScope(agent_id="helper")


async def call_tool(
    runtime, answers, llm, name: str, arguments: dict[str, Any], user_id: str | None = None
) -> Any:
    """Have the agent call one tool, and return what the tool answered (parsed JSON)."""
    answers.agent += [tool_call(name, arguments), reply("done")]
    result = await runtime.invoke("helper", "go", user_id=user_id)
    assert result.succeeded
    messages = requests_of(llm, "agent")[-1].messages
    return json.loads(next(m.content for m in reversed(messages) if m.role is Role.TOOL))


def offered(llm) -> set[str]:
    return {spec.name for spec in requests_of(llm, "agent")[-1].tools}


# ---------------------------------------------------------------- offered


async def test_memory_enabled_agents_get_the_tools_without_listing_them(make_runtime, llm) -> None:
    await make_runtime().invoke("helper", "hi")

    assert offered(llm) == set(MEMORY_TOOL_NAMES)


async def test_agents_without_memory_enabled_get_no_memory_tools(make_runtime, llm) -> None:
    await make_runtime(make_agent(memory=MemoryConfig())).invoke("helper", "hi")

    assert offered(llm) == set()


async def test_without_a_memory_manager_no_agent_gets_memory_tools(make_runtime, llm) -> None:
    await make_runtime(with_memory=False).invoke("helper", "hi")

    assert offered(llm) == set()


async def test_a_policy_that_turns_memory_off_offers_no_tools(make_runtime, llm) -> None:
    await make_runtime(policy=MemoryPolicy(enabled=False)).invoke("helper", "hi")

    assert offered(llm) == set()


async def test_an_agents_own_tool_of_the_same_name_wins(
    make_runtime, answers, llm, memory, caplog
) -> None:
    runtime = make_runtime(make_agent(tools=("memory_save",)))

    @runtime.tool(name="memory_save")
    async def own_save(content: str) -> str:
        return f"kept by the agent: {content}"

    with caplog.at_level(logging.INFO, logger="agent_gateway_core.engine.agent_plan"):
        answers.agent += [tool_call("memory_save", {"content": "x"}), reply("done")]
        await runtime.invoke("helper", "go")

    tool_message = next(m for m in requests_of(llm, "agent")[-1].messages if m.role is Role.TOOL)
    assert tool_message.content == "kept by the agent: x"
    assert await memory.list_all(AGENT_WIDE) == []
    assert [s.name for s in requests_of(llm, "agent")[-1].tools].count("memory_save") == 1
    assert any("'memory_save'" in r.getMessage() for r in caplog.records)


def test_the_schemas_are_those_of_agents_gateway_0_2(memory) -> None:
    tools = {tool.name: tool.spec.parameters for tool in memory_tools(memory)}

    save = tools["memory_save"]
    assert save["required"] == ["content"]
    assert save["properties"]["content"]["maxLength"] == 2000
    assert save["properties"]["memory_type"]["enum"] == ["episodic", "semantic", "procedural"]
    assert save["properties"]["importance"]["type"] == "number"
    assert tools["memory_recall"]["required"] == ["query"]
    assert set(tools["memory_recall"]["properties"]) == {"query", "memory_type", "limit"}
    assert tools["memory_forget"]["required"] == ["memory_id"]


# ---------------------------------------------------------------- save


async def test_save_goes_to_the_callers_own_scope(make_runtime, answers, llm, memory) -> None:
    runtime = make_runtime()

    saved = await call_tool(
        runtime,
        answers,
        llm,
        "memory_save",
        {"content": "Alice prefers dark mode", "memory_type": "episodic", "importance": 7},
        user_id="alice",
    )

    [record] = await memory.list_all(ALICE)
    assert saved == {"id": record.id, "status": "saved"}
    assert record.content == "Alice prefers dark mode"
    assert record.memory_type is MemoryType.EPISODIC
    assert record.importance == 1.0
    assert record.source is MemorySource.MANUAL
    assert await memory.list_all(AGENT_WIDE) == []


async def test_save_without_a_user_goes_agent_wide(make_runtime, answers, llm, memory) -> None:
    await call_tool(make_runtime(), answers, llm, "memory_save", {"content": "Ship on Mondays"})

    [record] = await memory.list_all(AGENT_WIDE)
    assert record.content == "Ship on Mondays"
    assert record.memory_type is MemoryType.SEMANTIC
    assert record.importance == 0.5


async def test_save_refuses_content_past_2000_chars(make_runtime, answers, llm, memory) -> None:
    answer = await call_tool(make_runtime(), answers, llm, "memory_save", {"content": "x" * 2001})

    assert "error" in answer
    assert await memory.list_all(AGENT_WIDE) == []


# ---------------------------------------------------------------- recall


async def test_recall_reads_the_callers_scope_and_the_agent_wide_one_only(
    make_runtime, answers, llm, memory
) -> None:
    mine = await memory.remember(ALICE, "Alice likes green tea", importance=0.9)
    shared = await memory.remember(AGENT_WIDE, "The office serves tea at four")
    await memory.remember(BOB, "Bob likes black tea")

    found = await call_tool(
        make_runtime(), answers, llm, "memory_recall", {"query": "tea"}, user_id="alice"
    )

    assert found == [
        {
            "id": mine.id,
            "content": "Alice likes green tea",
            "type": "semantic",
            "importance": 0.9,
            "scope": "user",
        },
        {
            "id": shared.id,
            "content": "The office serves tea at four",
            "type": "semantic",
            "importance": 0.5,
            "scope": "global",
        },
    ]


async def test_recall_filters_by_type_and_honours_the_limit(
    make_runtime, answers, llm, memory
) -> None:
    for n in range(4):
        await memory.remember(AGENT_WIDE, f"tea fact {n}")
        await memory.remember(AGENT_WIDE, f"tea recipe {n}", memory_type=MemoryType.PROCEDURAL)
    runtime = make_runtime()

    procedures = await call_tool(
        runtime, answers, llm, "memory_recall", {"query": "tea", "memory_type": "procedural"}
    )
    two = await call_tool(runtime, answers, llm, "memory_recall", {"query": "tea", "limit": 2})

    assert len(procedures) == 4
    assert {item["type"] for item in procedures} == {"procedural"}
    assert len(two) == 2


# ---------------------------------------------------------------- forget


async def test_a_user_cannot_forget_another_users_memory(
    make_runtime, answers, llm, memory
) -> None:
    alices = await memory.remember(ALICE, "Alice likes green tea")

    answer = await call_tool(
        make_runtime(), answers, llm, "memory_forget", {"memory_id": alices.id}, user_id="bob"
    )

    assert answer == {"deleted": False}
    assert await memory.list_all(ALICE) == [alices]


async def test_a_user_forgets_their_own_memory(make_runtime, answers, llm, memory) -> None:
    alices = await memory.remember(ALICE, "Alice likes green tea")

    answer = await call_tool(
        make_runtime(), answers, llm, "memory_forget", {"memory_id": alices.id}, user_id="alice"
    )

    assert answer == {"deleted": True}
    assert await memory.list_all(ALICE) == []


async def test_a_user_cannot_forget_agent_wide_memories(make_runtime, answers, llm, memory) -> None:
    shared = await memory.remember(AGENT_WIDE, "Ship on Mondays")
    runtime = make_runtime()

    as_user = await call_tool(
        runtime, answers, llm, "memory_forget", {"memory_id": shared.id}, user_id="alice"
    )
    assert as_user == {"deleted": False}
    assert await memory.list_all(AGENT_WIDE) == [shared]

    without_user = await call_tool(runtime, answers, llm, "memory_forget", {"memory_id": shared.id})
    assert without_user == {"deleted": True}
    assert await memory.list_all(AGENT_WIDE) == []


async def test_another_agents_memory_cannot_be_forgotten(
    make_runtime, answers, llm, memory
) -> None:
    other = await memory.remember(MemoryScope(agent_id="other"), "Other agent's note")

    answer = await call_tool(make_runtime(), answers, llm, "memory_forget", {"memory_id": other.id})

    assert answer == {"deleted": False}
    assert await memory.list_all(MemoryScope(agent_id="other")) == [other]
