"""Contract of MemoryManager: scoped memories, dedupe, relevance, recency, scopes, replace."""

from __future__ import annotations

import asyncio

import pytest

from agent_gateway_core.domain.memory import (
    MemoryRecord,
    MemoryScope,
    MemorySource,
    MemoryType,
    NewMemory,
)
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_testing.contracts._required import fixture_required

AGENT = MemoryScope(agent_id="agent-a")
ALICE = MemoryScope(agent_id="agent-a", user_id="alice")
BOB = MemoryScope(agent_id="agent-a", user_id="bob")
CAROL = MemoryScope(agent_id="agent-a", user_id="carol")
OTHER_AGENT = MemoryScope(agent_id="agent-b")
LONGER_AGENT = MemoryScope(agent_id="agent-aa")  # agent-a's id is a prefix of it


class MemoryManagerContract:
    """Every sentence of the MemoryManager docstring. Subclasses override ``memory_manager``
    with an EMPTY manager.

    Only the port is assumed, never how a backend stores memories (in memory, in files, in
    SQL). Backends may order records of one instant (a stopped clock) by kind, so orderings
    are asserted only among records of one ``memory_type``.
    """

    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    def memory_manager(self) -> MemoryManager:
        fixture_required(self, "memory_manager")

    async def test_remember_returns_the_stored_record(self, memory_manager: MemoryManager) -> None:
        record = await memory_manager.remember(ALICE, "Alice prefers green tea", {"src": "chat"})
        assert record.id
        assert (record.scope, record.content, record.metadata) == (
            ALICE,
            "Alice prefers green tea",
            {"src": "chat"},
        )
        assert record.created_at.utcoffset() is not None
        assert await memory_manager.list_all(ALICE) == [record]

    async def test_remember_gives_unique_ids(self, memory_manager: MemoryManager) -> None:
        records = [await memory_manager.remember(AGENT, f"fact number {n}") for n in range(5)]
        assert len({r.id for r in records}) == 5

    async def test_same_content_twice_in_a_scope_keeps_one_record(
        self, memory_manager: MemoryManager
    ) -> None:
        first = await memory_manager.remember(ALICE, "the office is in Lisbon")
        second = await memory_manager.remember(ALICE, "the office is in Lisbon")
        assert second.id == first.id
        assert await memory_manager.list_all(ALICE) == [first]

    async def test_same_content_in_two_scopes_is_two_records(
        self, memory_manager: MemoryManager
    ) -> None:
        mine = await memory_manager.remember(ALICE, "the office is in Lisbon")
        theirs = await memory_manager.remember(BOB, "the office is in Lisbon")
        assert mine.id != theirs.id

    async def test_scopes_never_see_each_others_memories(
        self, memory_manager: MemoryManager
    ) -> None:
        await memory_manager.remember(ALICE, "Alice's secret project is called Falcon")
        for scope in (BOB, AGENT, OTHER_AGENT):
            assert await memory_manager.list_all(scope) == []
            assert await memory_manager.recall(scope, "secret project Falcon") == []

    async def test_recall_puts_the_most_relevant_first(self, memory_manager: MemoryManager) -> None:
        await memory_manager.remember(AGENT, "deployments run every friday afternoon")
        tea = await memory_manager.remember(AGENT, "the user drinks green tea every morning")
        await memory_manager.remember(AGENT, "the build server is in the basement")
        recalled = await memory_manager.recall(AGENT, "what green tea does the user drink")
        assert recalled
        assert recalled[0].id == tea.id

    async def test_recall_returns_at_most_limit(self, memory_manager: MemoryManager) -> None:
        for n in range(5):
            await memory_manager.remember(AGENT, f"project note {n} about the release")
        assert len(await memory_manager.recall(AGENT, "project release note", limit=2)) <= 2

    async def test_recall_with_empty_query_returns_the_most_recent(
        self, memory_manager: MemoryManager
    ) -> None:
        records = [await memory_manager.remember(AGENT, f"event {n} happened") for n in range(4)]
        recalled = await memory_manager.recall(AGENT, "", limit=2)
        assert {r.id for r in recalled} == {records[3].id, records[2].id}

    async def test_recall_in_unknown_scope_is_empty(self, memory_manager: MemoryManager) -> None:
        assert await memory_manager.recall(OTHER_AGENT, "anything") == []
        assert await memory_manager.recall(OTHER_AGENT, "") == []

    async def test_list_all_is_oldest_first(self, memory_manager: MemoryManager) -> None:
        records = [await memory_manager.remember(AGENT, f"step {n} done") for n in range(4)]
        assert [r.id for r in await memory_manager.list_all(AGENT)] == [r.id for r in records]

    async def test_forget_deletes_one_record(self, memory_manager: MemoryManager) -> None:
        gone = await memory_manager.remember(AGENT, "temporary fact")
        kept = await memory_manager.remember(AGENT, "lasting fact")
        assert await memory_manager.forget(AGENT, gone.id) is True
        assert await memory_manager.list_all(AGENT) == [kept]
        assert await memory_manager.forget(AGENT, gone.id) is False

    async def test_forget_cannot_reach_into_another_scope(
        self, memory_manager: MemoryManager
    ) -> None:
        alices = await memory_manager.remember(ALICE, "Alice's fact")
        assert await memory_manager.forget(BOB, alices.id) is False
        assert await memory_manager.list_all(ALICE) == [alices]

    async def test_clear_deletes_a_scope_and_counts(self, memory_manager: MemoryManager) -> None:
        for n in range(3):
            await memory_manager.remember(ALICE, f"fact {n}")
        bobs = await memory_manager.remember(BOB, "Bob's fact")
        assert await memory_manager.clear(ALICE) == 3
        assert await memory_manager.list_all(ALICE) == []
        assert await memory_manager.list_all(BOB) == [bobs]
        assert await memory_manager.clear(ALICE) == 0

    # ------------------------------------------------------------ type, importance, source

    async def test_remember_defaults_to_a_manual_semantic_memory_of_middling_importance(
        self, memory_manager: MemoryManager
    ) -> None:
        record = await memory_manager.remember(AGENT, "the wiki moved to Confluence")
        assert (record.memory_type, record.importance, record.source, record.metadata) == (
            MemoryType.SEMANTIC,
            0.5,
            MemorySource.MANUAL,
            {},
        )

    async def test_remember_keeps_type_importance_and_source(
        self, memory_manager: MemoryManager
    ) -> None:
        records = [
            await memory_manager.remember(
                ALICE,
                f"a {kind} memory",
                {"n": n},
                memory_type=kind,
                importance=importance,
                source=source,
            )
            for n, (kind, importance, source) in enumerate(
                [
                    (MemoryType.EPISODIC, 0.0, MemorySource.EXTRACTED),
                    (MemoryType.PROCEDURAL, 1.0, MemorySource.COMPACTED),
                    (MemoryType.SEMANTIC, 0.75, MemorySource.MANUAL),
                ]
            )
        ]
        assert [(r.memory_type, r.importance, r.source, r.metadata) for r in records] == [
            (MemoryType.EPISODIC, 0.0, MemorySource.EXTRACTED, {"n": 0}),
            (MemoryType.PROCEDURAL, 1.0, MemorySource.COMPACTED, {"n": 1}),
            (MemoryType.SEMANTIC, 0.75, MemorySource.MANUAL, {"n": 2}),
        ]
        assert _by_id(await memory_manager.list_all(ALICE)) == _by_id(records)

    @pytest.mark.parametrize("importance", [-0.1, 1.5])
    async def test_remember_refuses_importance_outside_0_to_1(
        self, memory_manager: MemoryManager, importance: float
    ) -> None:
        with pytest.raises(ValueError, match="importance"):
            await memory_manager.remember(AGENT, "out of range", importance=importance)
        assert await memory_manager.list_all(AGENT) == []

    async def test_same_content_twice_returns_the_existing_record_unchanged(
        self, memory_manager: MemoryManager
    ) -> None:
        first = await memory_manager.remember(
            ALICE, "Alice is on call this week", {"n": 1}, importance=0.2
        )
        again = await memory_manager.remember(
            ALICE,
            "Alice is on call this week",
            {"n": 2},
            memory_type=MemoryType.EPISODIC,
            importance=0.9,
            source=MemorySource.EXTRACTED,
        )
        assert again == first
        assert await memory_manager.list_all(ALICE) == [first]

    # ------------------------------------------------------------ scopes

    async def test_an_agent_without_memories_has_no_scopes(
        self, memory_manager: MemoryManager
    ) -> None:
        await memory_manager.remember(OTHER_AGENT, "someone else's fact")
        assert await memory_manager.scopes(AGENT.agent_id) == []

    async def test_scopes_lists_the_agent_wide_scope_first_then_users_by_id(
        self, memory_manager: MemoryManager
    ) -> None:
        for scope in (CAROL, OTHER_AGENT, AGENT, LONGER_AGENT, ALICE, BOB):
            await memory_manager.remember(scope, f"a fact of {scope.user_id}")
        assert await memory_manager.scopes(AGENT.agent_id) == [AGENT, ALICE, BOB, CAROL]
        assert await memory_manager.scopes(OTHER_AGENT.agent_id) == [OTHER_AGENT]

    async def test_scopes_lists_users_even_without_agent_wide_memories(
        self, memory_manager: MemoryManager
    ) -> None:
        await memory_manager.remember(BOB, "Bob's fact")
        assert await memory_manager.scopes(AGENT.agent_id) == [BOB]

    async def test_scopes_leaves_out_scopes_whose_records_are_gone(
        self, memory_manager: MemoryManager
    ) -> None:
        alices = await memory_manager.remember(ALICE, "Alice's only fact")
        await memory_manager.remember(BOB, "Bob's fact")
        await memory_manager.remember(AGENT, "an agent-wide fact")
        await memory_manager.forget(ALICE, alices.id)
        await memory_manager.clear(AGENT)
        assert await memory_manager.scopes(AGENT.agent_id) == [BOB]

    # ------------------------------------------------------------ replace

    async def test_replace_removes_records_and_adds_new_ones(
        self, memory_manager: MemoryManager
    ) -> None:
        old = [await memory_manager.remember(ALICE, f"Alice said thing {n}") for n in range(3)]
        summary = NewMemory(
            content="Alice said things 0 and 1",
            importance=0.8,
            source=MemorySource.COMPACTED,
            metadata={"merged": 2},
        )
        stored = await memory_manager.replace(ALICE, [old[0].id, old[1].id], [summary])
        assert len(stored) == 1
        assert stored[0].id not in {r.id for r in old}
        assert (
            stored[0].scope,
            stored[0].content,
            stored[0].memory_type,
            stored[0].importance,
            stored[0].source,
            stored[0].metadata,
        ) == (
            ALICE,
            summary.content,
            MemoryType.SEMANTIC,
            0.8,
            MemorySource.COMPACTED,
            {"merged": 2},
        )
        assert stored[0].created_at.utcoffset() is not None
        assert await memory_manager.list_all(ALICE) == [old[2], stored[0]]

    async def test_replace_ignores_ids_not_in_the_scope(
        self, memory_manager: MemoryManager
    ) -> None:
        alices = await memory_manager.remember(ALICE, "Alice's fact")
        bobs = await memory_manager.remember(BOB, "Bob's fact")
        stored = await memory_manager.replace(
            ALICE, [bobs.id, "no-such-id"], [NewMemory(content="Alice's second fact")]
        )
        assert await memory_manager.list_all(ALICE) == [alices, *stored]
        assert await memory_manager.list_all(BOB) == [bobs]
        assert await memory_manager.replace(ALICE, ["no-such-id"], []) == []
        assert await memory_manager.list_all(ALICE) == [alices, *stored]

    async def test_replace_returns_the_stored_records_in_order(
        self, memory_manager: MemoryManager
    ) -> None:
        add = [
            NewMemory(content="deploys need two approvals", memory_type=MemoryType.PROCEDURAL),
            NewMemory(content="the outage was on monday", memory_type=MemoryType.EPISODIC),
            NewMemory(content="the team is in Berlin", importance=0.9, metadata={"k": [1, 2]}),
        ]
        stored = await memory_manager.replace(AGENT, [], add)
        assert [(r.content, r.memory_type, r.importance, r.metadata) for r in stored] == [
            (m.content, m.memory_type, m.importance, m.metadata) for m in add
        ]
        assert len({r.id for r in stored}) == 3
        assert _by_id(await memory_manager.list_all(AGENT)) == _by_id(stored)

    async def test_replace_stores_content_already_in_the_scope_once(
        self, memory_manager: MemoryManager
    ) -> None:
        existing = await memory_manager.remember(AGENT, "the team is in Berlin")
        stored = await memory_manager.replace(
            AGENT,
            [],
            [
                NewMemory(content="the team is in Berlin", importance=1.0),
                NewMemory(content="the team likes pizza"),
                NewMemory(content="the team likes pizza"),
            ],
        )
        assert stored[0] == existing
        assert stored[1] == stored[2]
        assert await memory_manager.list_all(AGENT) == [existing, stored[1]]

    async def test_replace_that_fails_leaves_the_scope_as_it_was(
        self, memory_manager: MemoryManager
    ) -> None:
        before = [await memory_manager.remember(ALICE, f"Alice fact {n}") for n in range(2)]
        # model_construct skips validation, as a caller building values by hand might.
        invalid = NewMemory.model_construct(
            content="an impossible importance",
            memory_type=MemoryType.SEMANTIC,
            importance=1.5,
            source=MemorySource.MANUAL,
            metadata={},
        )
        with pytest.raises(ValueError, match="importance"):
            await memory_manager.replace(
                ALICE, [before[0].id], [NewMemory(content="a valid summary"), invalid]
            )
        assert await memory_manager.list_all(ALICE) == before
        assert await memory_manager.scopes(ALICE.agent_id) == [ALICE]

    async def test_a_reader_sees_all_old_records_or_the_result_never_a_mixture(
        self, memory_manager: MemoryManager
    ) -> None:
        old = [await memory_manager.remember(AGENT, f"old fact {n}") for n in range(5)]
        add = [NewMemory(content=f"new fact {n}") for n in range(5)]

        async def snapshot() -> frozenset[str]:
            return frozenset(r.id for r in await memory_manager.list_all(AGENT))

        readers = [asyncio.ensure_future(snapshot()) for _ in range(10)]
        stored = await memory_manager.replace(AGENT, [r.id for r in old], add)
        readers += [asyncio.ensure_future(snapshot()) for _ in range(10)]
        seen = set(await asyncio.gather(*readers))
        assert seen <= {frozenset(r.id for r in old), frozenset(r.id for r in stored)}
        assert frozenset(r.id for r in stored) in seen

    # ------------------------------------------------------------ concurrency

    async def test_concurrent_remembers_into_one_scope_are_all_stored(
        self, memory_manager: MemoryManager
    ) -> None:
        records = await asyncio.gather(
            *(memory_manager.remember(ALICE, f"concurrent fact {n}") for n in range(20))
        )
        assert len({r.id for r in records}) == 20
        assert _by_id(await memory_manager.list_all(ALICE)) == _by_id(records)

    async def test_concurrent_remembers_of_one_content_keep_one_record(
        self, memory_manager: MemoryManager
    ) -> None:
        records = await asyncio.gather(
            *(memory_manager.remember(ALICE, "said at the same time") for _ in range(10))
        )
        assert len({r.id for r in records}) == 1
        assert await memory_manager.list_all(ALICE) == [records[0]]


def _by_id(records: list[MemoryRecord]) -> dict[str, MemoryRecord]:
    return {record.id: record for record in records}
