"""runtime.compact_memory: a crowded scope's least useful memories become summaries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

import pytest

from agent_gateway_core import Runtime
from agent_gateway_core.domain.memory import (
    MemoryRecord,
    MemoryScope,
    MemorySource,
    MemoryType,
    NewMemory,
)
from agent_gateway_core.errors import AgentNotFoundError, MemoryNotConfiguredError
from agent_gateway_core.memory.compaction import MemoryCompactionResult, ScopeCompaction
from agent_gateway_core.memory.policy import CompactionPolicy, MemoryPolicy
from agent_gateway_core.testing import (
    InMemoryMemoryManager,
    InMemoryPersistence,
    ScriptedReply,
    reply,
)
from agent_gateway_core.workspace.state import WorkspaceState

from .conftest import make_agent, requests_of

pytestmark = pytest.mark.unit

ALICE = MemoryScope(agent_id="helper", user_id="alice")
BOB = MemoryScope(agent_id="helper", user_id="bob")
AGENT_WIDE = MemoryScope(agent_id="helper")
DAY = timedelta(days=1).total_seconds()


def policy(**compaction: object) -> MemoryPolicy:
    compaction.setdefault("max_memories_per_scope", 5)
    return MemoryPolicy(compaction=CompactionPolicy(**compaction))  # type: ignore[arg-type]


def summaries(*items: dict[str, object]) -> ScriptedReply:
    return reply(json.dumps(list(items)))


async def contents(memory, scope: MemoryScope = AGENT_WIDE) -> list[str]:
    return sorted(m.content for m in await memory.list_all(scope))


async def fill(
    memory,
    importances: Sequence[float],
    scope: MemoryScope = AGENT_WIDE,
    memory_type: MemoryType = MemoryType.SEMANTIC,
) -> None:
    """One memory per importance, named ``note <importance> #<n>`` (semantic ones) or
    ``<type> note <importance> #<n>``."""
    prefix = "" if memory_type is MemoryType.SEMANTIC else f"{memory_type.value} "
    for n, importance in enumerate(importances):
        await memory.remember(
            scope, f"{prefix}note {importance} #{n}", importance=importance, memory_type=memory_type
        )


# ---------------------------------------------------------------- when


async def test_a_scope_within_its_cap_is_left_alone(make_runtime, memory, clock, llm) -> None:
    await fill(memory, [0.1] * 5)
    clock.advance(3 * DAY)

    result = await make_runtime(policy=policy()).compact_memory("helper")

    assert result == MemoryCompactionResult(
        agent_id="helper", scopes=(ScopeCompaction(scope=AGENT_WIDE, before=5, after=5),)
    )
    assert requests_of(llm, "compaction") == []


async def test_force_compacts_a_scope_within_its_cap(make_runtime, memory, clock, answers) -> None:
    await fill(memory, [0.1, 0.2, 0.3, 0.4])
    clock.advance(3 * DAY)
    answers.compaction.append(summaries({"content": "notes 0.1 and 0.2"}))

    result = await make_runtime(policy=policy()).compact_memory("helper", force=True)

    assert (result.removed, result.added) == (2, 1)
    assert await contents(memory) == ["note 0.3 #2", "note 0.4 #3", "notes 0.1 and 0.2"]


async def test_compaction_turned_off_compacts_nothing(make_runtime, memory, clock, llm) -> None:
    await fill(memory, [0.1] * 8)
    clock.advance(3 * DAY)

    result = await make_runtime(policy=policy(enabled=False)).compact_memory("helper", force=True)

    assert result.removed == 0
    assert requests_of(llm, "compaction") == []


# ---------------------------------------------------------------- what


async def test_the_lowest_scoring_share_is_summarised(
    make_runtime, memory, clock, answers, llm
) -> None:
    await fill(memory, [0.7, 0.1, 0.6, 0.3, 0.5, 0.2])
    clock.advance(3 * DAY)
    answers.compaction.append(summaries({"content": "low notes, summarised"}))

    result = await make_runtime(policy=policy(compact_ratio=0.5)).compact_memory("helper")

    assert result.scopes == (
        ScopeCompaction(scope=AGENT_WIDE, before=6, after=4, removed=3, added=1),
    )
    assert await contents(memory) == [
        "low notes, summarised",
        "note 0.5 #4",
        "note 0.6 #2",
        "note 0.7 #0",
    ]
    [summary] = [m for m in await memory.list_all(AGENT_WIDE) if m.source is MemorySource.COMPACTED]
    assert summary.importance == 0.3  # the group's highest, as the model gave none
    assert summary.memory_type is MemoryType.SEMANTIC
    quoted = requests_of(llm, "compaction")[0].messages[-1].content
    assert quoted.startswith("<memories>\n")
    assert {"- note 0.1 #1", "- note 0.2 #5", "- note 0.3 #3"} <= set(quoted.splitlines())


async def test_older_memories_score_lower(make_runtime, memory, clock, answers) -> None:
    await fill(memory, [0.6, 0.6, 0.6])  # 20 days old by then
    clock.advance(10 * DAY)
    await fill(memory, [0.5, 0.5, 0.5])  # 10 days old
    clock.advance(10 * DAY)
    answers.compaction.append(summaries({"content": "the old ones"}))

    await make_runtime(policy=policy(compact_ratio=0.5)).compact_memory("helper")

    # 0.6 * 0.95**20 < 0.5 * 0.95**10: age outweighs the little more importance.
    assert await contents(memory) == ["note 0.5 #0", "note 0.5 #1", "note 0.5 #2", "the old ones"]


async def test_important_and_recent_memories_are_never_compacted(
    make_runtime, memory, clock, answers, llm
) -> None:
    await fill(memory, [0.9, 0.8, 0.95])  # important
    await fill(memory, [0.1, 0.1])  # old enough, unimportant
    clock.advance(2 * DAY)
    await fill(memory, [0.05, 0.05, 0.05])  # too young
    answers.compaction.append(summaries({"content": "two unimportant notes"}))

    await make_runtime(policy=policy(compact_ratio=1.0, min_age_hours=24)).compact_memory("helper")

    remaining = await contents(memory)
    assert "two unimportant notes" in remaining
    assert [c for c in remaining if c.startswith("note 0.1 ")] == []
    assert len([c for c in remaining if c.startswith("note 0.05 ")]) == 3
    assert {"note 0.9 #0", "note 0.8 #1", "note 0.95 #2"} <= set(remaining)
    assert len(requests_of(llm, "compaction")) == 1


async def test_each_type_is_summarised_apart(make_runtime, memory, clock, answers, llm) -> None:
    await fill(memory, [0.1, 0.2, 0.3])
    await fill(memory, [0.1, 0.2, 0.3], memory_type=MemoryType.EPISODIC)
    clock.advance(3 * DAY)
    answers.compaction += [
        summaries({"content": "facts", "importance": 0.95}),
        summaries({"content": "events", "importance": 7}),
    ]

    result = await make_runtime(policy=policy(compact_ratio=1.0)).compact_memory("helper")

    assert (result.removed, result.added) == (6, 2)
    stored = {m.content: m for m in await memory.list_all(AGENT_WIDE)}
    assert set(stored) == {"facts", "events"}
    assert stored["facts"].memory_type is MemoryType.SEMANTIC
    assert stored["events"].memory_type is MemoryType.EPISODIC
    assert stored["facts"].importance == 0.95
    assert stored["events"].importance == 1.0
    assert len(requests_of(llm, "compaction")) == 2


# ---------------------------------------------------------------- never a loss


@pytest.mark.parametrize(
    "answer",
    [
        ScriptedReply(status=500),
        reply("I could not summarise these."),
        reply("[]"),
        reply(json.dumps([{"content": f"s{n}"} for n in range(3)])),  # no fewer than before
        reply(json.dumps([{"nothing": "usable"}])),
    ],
    ids=["model-error", "prose", "empty", "not-fewer", "no-content"],
)
async def test_a_failed_summary_removes_nothing(
    make_runtime, memory, clock, answers, answer
) -> None:
    await fill(memory, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    clock.advance(3 * DAY)
    before = await contents(memory)
    answers.compaction.append(answer)

    result = await make_runtime(policy=policy()).compact_memory("helper")

    assert result.scopes == (ScopeCompaction(scope=AGENT_WIDE, before=6, after=6),)
    assert await contents(memory) == before


async def test_a_failed_group_keeps_its_memories_while_the_others_are_compacted(
    make_runtime, memory, clock, answers
) -> None:
    await fill(memory, [0.1, 0.2, 0.3])
    await fill(memory, [0.1, 0.2, 0.3], memory_type=MemoryType.EPISODIC)
    clock.advance(3 * DAY)
    answers.compaction += [summaries({"content": "facts"}), ScriptedReply(status=500)]

    result = await make_runtime(policy=policy(compact_ratio=1.0)).compact_memory("helper")

    assert (result.removed, result.added) == (3, 1)
    kinds = [m.memory_type for m in await memory.list_all(AGENT_WIDE)]
    assert kinds.count(MemoryType.EPISODIC) == 3


class ReplaceOnlyMemory(InMemoryMemoryManager):
    """Records replace calls; compaction must not remove memories one by one."""

    def __init__(self, clock) -> None:
        super().__init__(clock)
        self.replaced: list[tuple[MemoryScope, list[str], list[NewMemory]]] = []

    async def replace(
        self, scope: MemoryScope, remove_ids: Sequence[str], add: Sequence[NewMemory]
    ) -> list[MemoryRecord]:
        self.replaced.append((scope, list(remove_ids), list(add)))
        return await super().replace(scope, remove_ids, add)

    async def forget(self, scope: MemoryScope, memory_id: str) -> bool:
        raise AssertionError("compaction removed a memory outside replace()")


async def test_originals_and_summaries_are_swapped_in_one_replace(
    make_runtime, llm, clock, answers
) -> None:
    memory = ReplaceOnlyMemory(clock)
    await fill(memory, [0.1, 0.2, 0.3])
    await fill(memory, [0.1, 0.2], memory_type=MemoryType.PROCEDURAL)
    await fill(memory, [0.9])
    clock.advance(3 * DAY)
    old_ids = {m.id for m in await memory.list_all(AGENT_WIDE) if m.importance < 0.8}
    answers.compaction += [summaries({"content": "facts"}), summaries({"content": "how-tos"})]
    runtime = Runtime(
        workspace=WorkspaceState(root=None, agents={"helper": make_agent()}),
        llm=llm,
        persistence=InMemoryPersistence(),
        clock=clock,
        memory=memory,
        memory_policy=policy(compact_ratio=1.0),
    )
    try:
        await runtime.compact_memory("helper")
    finally:
        await runtime.aclose()

    [(scope, removed, added)] = memory.replaced
    assert scope == AGENT_WIDE
    assert set(removed) == old_ids
    assert [(a.content, a.memory_type, a.source) for a in added] == [
        ("facts", MemoryType.SEMANTIC, MemorySource.COMPACTED),
        ("how-tos", MemoryType.PROCEDURAL, MemorySource.COMPACTED),
    ]


# ---------------------------------------------------------------- which scopes


async def test_the_agent_wide_scope_and_the_named_users_are_compacted(
    make_runtime, memory, clock, answers
) -> None:
    for scope in (AGENT_WIDE, ALICE, BOB):
        await fill(memory, [0.1] * 6, scope=scope)
    clock.advance(3 * DAY)
    answers.compaction += [summaries({"content": "agent"}), summaries({"content": "alice"})]

    result = await make_runtime(policy=policy()).compact_memory("helper", user_id="alice")

    assert [s.scope for s in result.scopes] == [AGENT_WIDE, ALICE]
    assert [s.removed for s in result.scopes] == [3, 3]
    assert len(await memory.list_all(BOB)) == 6


async def test_all_scopes_compacts_every_scope_holding_memories(
    make_runtime, memory, clock, answers
) -> None:
    for scope in (ALICE, BOB):
        await fill(memory, [0.1] * 6, scope=scope)
    clock.advance(3 * DAY)
    answers.compaction += [summaries({"content": "alice"}), summaries({"content": "bob"})]

    result = await make_runtime(policy=policy()).compact_memory("helper", all_scopes=True)

    assert [(s.scope, s.before, s.after) for s in result.scopes] == [
        (ALICE, 6, 4),
        (BOB, 6, 4),
    ]
    assert (result.removed, result.added) == (6, 2)


# ---------------------------------------------------------------- errors


async def test_an_unknown_agent_is_not_found(make_runtime) -> None:
    with pytest.raises(AgentNotFoundError):
        await make_runtime().compact_memory("nobody")


@pytest.mark.parametrize(
    "setup",
    [{"with_memory": False}, {"policy": MemoryPolicy(enabled=False)}],
    ids=["no-manager", "memory-off"],
)
async def test_without_memory_compaction_is_a_clear_error(make_runtime, setup) -> None:
    with pytest.raises(MemoryNotConfiguredError, match="memory is not configured") as caught:
        await make_runtime(**setup).compact_memory("helper")

    assert caught.value.code == "memory_unavailable"
