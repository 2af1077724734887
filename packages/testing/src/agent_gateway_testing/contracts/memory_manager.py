"""Contract of MemoryManager: scoped memories, dedupe, relevance and recency."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.memory import MemoryScope
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_testing.contracts._required import fixture_required

AGENT = MemoryScope(agent_id="agent-a")
ALICE = MemoryScope(agent_id="agent-a", user_id="alice")
BOB = MemoryScope(agent_id="agent-a", user_id="bob")
OTHER_AGENT = MemoryScope(agent_id="agent-b")


class MemoryManagerContract:
    """Every sentence of the MemoryManager docstring. Subclasses override ``memory_manager``
    with an EMPTY manager."""

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
