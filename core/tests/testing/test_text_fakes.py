"""InMemoryMemoryManager and StaticRetriever beyond their contracts: word-overlap ranking."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.memory import MemoryScope
from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.retriever import RetrievalQuery
from agent_gateway_core.testing import InMemoryMemoryManager, StaticRetriever

pytestmark = pytest.mark.unit

SCOPE = MemoryScope(agent_id="a")


async def test_a_duplicate_memory_keeps_its_first_metadata() -> None:
    memory = InMemoryMemoryManager()
    first = await memory.remember(SCOPE, "likes tea", {"n": 1})
    again = await memory.remember(SCOPE, "likes tea", {"n": 2})
    assert again == first


async def test_memories_sharing_no_word_are_not_recalled_and_ties_go_to_the_newest() -> None:
    memory = InMemoryMemoryManager()
    older = await memory.remember(SCOPE, "Tea at noon")
    await memory.remember(SCOPE, "coffee at dawn")
    newer = await memory.remember(SCOPE, "tea, always tea")
    assert await memory.recall(SCOPE, "TEA?") == [newer, older]
    assert await memory.recall(SCOPE, "tea", limit=0) == []


async def test_retriever_with_an_empty_query_returns_passages_in_order() -> None:
    retriever = StaticRetriever(["one", "two", "three"])
    query = RetrievalQuery(query="  ", agent_id="a", limit=2)
    assert await retriever.retrieve(query) == ["one", "two"]


async def test_retriever_ranks_by_shared_words_keeping_the_given_order_on_ties() -> None:
    retriever = StaticRetriever(["red apples", "green apples", "red and green apples", "pears"])
    query = RetrievalQuery(query="green apples", agent_id="a")
    assert await retriever.retrieve(query) == [
        "green apples",
        "red and green apples",
        "red apples",
    ]


async def test_retriever_outage_raises_backend_unavailable() -> None:
    retriever = StaticRetriever(["x"])
    retriever.available = False
    with pytest.raises(BackendUnavailableError, match="static retriever is unavailable"):
        await retriever.retrieve(RetrievalQuery(query="x", agent_id="a"))
