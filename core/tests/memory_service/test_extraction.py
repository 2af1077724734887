"""Auto-extraction: after a turn, in the background, debounced per agent and user."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from agent_gateway_core.domain.agent import MemoryConfig
from agent_gateway_core.domain.execution import ExecutionKind
from agent_gateway_core.domain.memory import MemoryScope, MemorySource, MemoryType
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.memory.extraction import MemoryExtractor, Turn
from agent_gateway_core.memory.model_choice import MemoryModel
from agent_gateway_core.memory.policy import CompactionPolicy, MemoryPolicy
from agent_gateway_core.testing import ScriptedReply, reply

from .conftest import MODEL, eventually, make_agent, requests_of, settle

pytestmark = pytest.mark.unit

ALICE = MemoryScope(agent_id="helper", user_id="alice")
AGENT_WIDE = MemoryScope(agent_id="helper")
EXTRACTING = make_agent(memory=MemoryConfig(enabled=True, auto_extract=True))


def memories_json(*items: dict[str, object]) -> ScriptedReply:
    return reply(json.dumps(list(items)))


async def extracted_into(memory, scope: MemoryScope) -> None:
    async def stored() -> bool:
        return bool(await memory.list_all(scope))

    await eventually(stored)


async def extraction_asked(llm, count: int = 1) -> None:
    async def asked() -> bool:
        return len(requests_of(llm, "extraction")) >= count

    await eventually(asked)


# ---------------------------------------------------------------- when it runs


async def test_an_invoke_turn_is_extracted_into_the_users_scope(
    make_runtime, answers, llm, memory
) -> None:
    answers.agent.append(reply("Noted, dark mode it is."))
    answers.extraction.append(
        memories_json(
            {"content": "User prefers dark mode", "type": "semantic", "importance": 0.8},
            {"content": "User asked about themes", "type": "episodic", "importance": 0.4},
        )
    )
    runtime = make_runtime(EXTRACTING)

    result = await runtime.invoke("helper", "I like dark mode", user_id="alice")
    await extracted_into(memory, ALICE)
    await settle()

    assert result.succeeded
    stored = await memory.list_all(ALICE)
    assert [(m.content, m.memory_type, m.importance, m.source) for m in stored] == [
        ("User prefers dark mode", MemoryType.SEMANTIC, 0.8, MemorySource.EXTRACTED),
        ("User asked about themes", MemoryType.EPISODIC, 0.4, MemorySource.EXTRACTED),
    ]
    assert await memory.list_all(AGENT_WIDE) == []
    [request] = requests_of(llm, "extraction")
    assert request.model == MODEL
    conversation = request.messages[-1].content
    assert "user: I like dark mode" in conversation
    assert "assistant: Noted, dark mode it is." in conversation
    assert conversation.startswith("<conversation>\n")


async def test_a_turn_without_a_user_is_extracted_agent_wide(
    make_runtime, answers, llm, memory
) -> None:
    answers.extraction.append(memories_json({"content": "Deploys need two approvals"}))

    await make_runtime(EXTRACTING).invoke("helper", "deploy rules?")
    await extracted_into(memory, AGENT_WIDE)

    [record] = await memory.list_all(AGENT_WIDE)
    assert (record.memory_type, record.importance) == (MemoryType.SEMANTIC, 0.5)


async def test_a_chat_turn_is_extracted(make_runtime, answers, llm, memory) -> None:
    answers.extraction.append(memories_json({"content": "User is planning a trip to Oslo"}))

    await make_runtime(EXTRACTING).chat("helper", "I am going to Oslo", user_id="alice")
    await extracted_into(memory, ALICE)

    assert "user: I am going to Oslo" in requests_of(llm, "extraction")[0].messages[-1].content


async def test_the_gateway_policy_turns_extraction_on_for_every_memory_agent(
    make_runtime, answers, llm, memory
) -> None:
    answers.extraction.append(memories_json({"content": "User likes tea"}))
    policy = MemoryPolicy(auto_extract=True, extraction_model="test/extractor")

    await make_runtime(policy=policy).invoke("helper", "I like tea", user_id="alice")
    await extracted_into(memory, ALICE)

    assert requests_of(llm, "extraction")[0].model == "test/extractor"


async def test_nothing_is_extracted_unless_asked_for(make_runtime, llm) -> None:
    runtime = make_runtime()  # memory enabled, auto_extract off everywhere

    await runtime.invoke("helper", "I like tea", user_id="alice")
    await runtime.chat("helper", "I like tea", user_id="alice")
    await settle()

    assert requests_of(llm, "extraction") == []


async def test_failed_runs_and_scheduled_runs_are_not_extracted(make_runtime, answers, llm) -> None:
    runtime = make_runtime(EXTRACTING)
    answers.agent.append(ScriptedReply(status=400))

    failed = await runtime.invoke("helper", "I like tea", user_id="alice")
    await runtime.execute(
        ExecutionRequest(agent_id="helper", message="nightly", kind=ExecutionKind.SCHEDULE)
    )
    await settle()

    assert not failed.succeeded
    assert requests_of(llm, "extraction") == []


# ---------------------------------------------------------------- what is stored


async def test_existing_memories_are_shown_to_the_model_and_not_stored_again(
    make_runtime, answers, llm, memory
) -> None:
    await memory.remember(ALICE, "User prefers dark mode")
    await memory.remember(AGENT_WIDE, "Themes ship monthly")
    answers.extraction.append(
        memories_json(
            {"content": "user prefers  DARK mode"},
            {"content": "User works nights", "importance": 0.6},
            {"content": "User works nights"},
            {"content": "User said hi", "importance": 0.1},
        )
    )

    await make_runtime(EXTRACTING).invoke("helper", "dark mode at night", user_id="alice")
    await extraction_asked(llm)
    await settle()

    assert [m.content for m in await memory.list_all(ALICE)] == [
        "User prefers dark mode",
        "User works nights",
    ]
    instructions = requests_of(llm, "extraction")[0].messages[0].content
    assert "- User prefers dark mode" in instructions
    assert "- Themes ship monthly" in instructions


@pytest.mark.parametrize(
    "answer",
    [
        reply("Sure! Here is what I found: nothing useful"),
        reply('{"content": "not an array"}'),
        ScriptedReply(status=500),
        ScriptedReply(status=429),
    ],
    ids=["prose", "object", "server-error", "rate-limited"],
)
async def test_junk_or_a_failing_model_stores_nothing_and_fails_nothing(
    make_runtime, answers, llm, memory, answer, caplog
) -> None:
    answers.extraction.append(answer)

    with caplog.at_level(logging.WARNING, logger="agent_gateway_core.memory"):
        result = await make_runtime(EXTRACTING).invoke("helper", "I like tea", user_id="alice")
        await extraction_asked(llm)
        await settle()

    assert result.succeeded
    assert await memory.list_all(ALICE) == []
    assert any("memory extraction" in r.getMessage() for r in caplog.records)


async def test_an_answer_in_markdown_fences_is_read(make_runtime, answers, llm, memory) -> None:
    answers.extraction.append(reply('```json\n[{"content": "User likes tea"}]\n```'))

    await make_runtime(EXTRACTING).invoke("helper", "I like tea", user_id="alice")
    await extracted_into(memory, ALICE)

    assert [m.content for m in await memory.list_all(ALICE)] == ["User likes tea"]


# ---------------------------------------------------------------- in the background


async def test_extraction_never_delays_the_response_and_stops_at_close(
    make_runtime, answers, llm, memory
) -> None:
    answers.extraction.append(ScriptedReply(hang=True))
    runtime = make_runtime(EXTRACTING)

    result = await runtime.invoke("helper", "I like tea", user_id="alice")
    await extraction_asked(llm)
    await runtime.aclose()  # cancels the extraction stuck on the model, and waits for it

    assert result.succeeded
    assert await memory.list_all(ALICE) == []


MODEL_TARGET = MemoryModel(name=MODEL)


async def test_turns_within_the_debounce_window_are_extracted_together(
    llm, answers, memory, clock
) -> None:
    extractor = MemoryExtractor(memory=memory, llm=llm, clock=clock, debounce_seconds=30)
    answers.extraction += [
        memories_json({"content": "first"}),
        memories_json({"content": "second and third"}),
    ]
    try:
        extractor.note_turn(ALICE, MODEL_TARGET, Turn("turn one", "answer one"))
        await extraction_asked(llm, 1)
        await settle()
        extractor.note_turn(ALICE, MODEL_TARGET, Turn("turn two", "answer two"))
        extractor.note_turn(ALICE, MODEL_TARGET, Turn("turn three", "answer three"))
        await settle()
        assert len(requests_of(llm, "extraction")) == 1  # debounced

        clock.advance(30)
        await extractor.idle()
    finally:
        await extractor.aclose()

    second = requests_of(llm, "extraction")[1].messages[-1].content
    assert "turn one" not in second
    assert "user: turn two" in second
    assert "user: turn three" in second
    assert [m.content for m in await memory.list_all(ALICE)] == ["first", "second and third"]


async def test_the_debounce_is_per_agent_and_user(llm, answers, memory, clock) -> None:
    extractor = MemoryExtractor(memory=memory, llm=llm, clock=clock, debounce_seconds=30)
    bob = MemoryScope(agent_id="helper", user_id="bob")
    try:
        extractor.note_turn(ALICE, MODEL_TARGET, Turn("alice says", "ok"))
        extractor.note_turn(bob, MODEL_TARGET, Turn("bob says", "ok"))
        extractor.note_turn(AGENT_WIDE, MODEL_TARGET, Turn("someone says", "ok"))
        await extractor.idle()
    finally:
        await extractor.aclose()

    assert len(requests_of(llm, "extraction")) == 3


async def test_a_turn_after_the_window_is_extracted_at_once(llm, answers, memory, clock) -> None:
    extractor = MemoryExtractor(memory=memory, llm=llm, clock=clock, debounce_seconds=30)
    try:
        extractor.note_turn(ALICE, MODEL_TARGET, Turn("one", "ok"))
        await extractor.idle()
        clock.advance(31)
        extractor.note_turn(ALICE, MODEL_TARGET, Turn("two", "ok"))
        await extractor.idle()
    finally:
        await extractor.aclose()

    assert len(requests_of(llm, "extraction")) == 2


# ---------------------------------------------------------------- then compaction


async def test_a_scope_past_its_cap_is_compacted_after_extraction(
    make_runtime, answers, llm, memory, clock
) -> None:
    for n in range(4):
        await memory.remember(ALICE, f"old note {n}", importance=0.2)
    clock.advance(timedelta(days=3).total_seconds())
    answers.extraction.append(memories_json({"content": "User likes tea", "importance": 0.9}))
    answers.compaction.append(memories_json({"content": "old notes 0 to 3"}))
    policy = MemoryPolicy(
        compaction=CompactionPolicy(max_memories_per_scope=4, compact_ratio=1.0, min_age_hours=1)
    )

    await make_runtime(EXTRACTING, policy=policy).invoke("helper", "tea", user_id="alice")

    async def compacted() -> bool:
        return any(m.source is MemorySource.COMPACTED for m in await memory.list_all(ALICE))

    await eventually(compacted)
    assert sorted(m.content for m in await memory.list_all(ALICE)) == [
        "User likes tea",
        "old notes 0 to 3",
    ]
