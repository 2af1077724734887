"""StaticRetriever, and a retriever of agents-gateway 0.2 wrapped by the core, pass the
Retriever contract."""

from __future__ import annotations

import pytest

from agent_gateway_core.ports.retriever import RetrievalQuery, Retriever
from agent_gateway_core.retrievers import KeywordRetrieverAdapter, as_retriever
from agent_gateway_core.testing import StaticRetriever
from agent_gateway_testing.contracts import RetrieverContract

pytestmark = pytest.mark.unit

PASSAGES = [
    "Refunds are processed within five business days.",
    "Refunds for annual plans are prorated by the remaining months.",
    "The office is closed on public holidays.",
]


class _Queries:
    @pytest.fixture
    def matching_query(self) -> RetrievalQuery:
        return RetrievalQuery(query="refunds for annual plans", agent_id="support")

    @pytest.fixture
    def best_passage(self) -> str:
        return PASSAGES[1]

    @pytest.fixture
    def unmatched_query(self) -> RetrievalQuery:
        return RetrievalQuery(query="quantum chromodynamics", agent_id="support")


class TestStaticRetriever(_Queries, RetrieverContract):
    @pytest.fixture
    def retriever(self) -> StaticRetriever:
        return StaticRetriever(PASSAGES)


class KeywordOverlapRetriever:
    """A retriever written for agents-gateway 0.2: keyword ``retrieve``, async hooks, and no
    notion of a limit (it returns every chunk sharing a word with the query)."""

    def __init__(self, chunks: list[str]) -> None:
        self.chunks = chunks
        self.ready = False

    async def initialize(self) -> None:
        self.ready = True

    async def retrieve(self, *, query: str, agent_id: str) -> list[str]:
        assert agent_id == "support"
        wanted = set(query.lower().split())
        scored = [(len(wanted & set(c.lower().rstrip(".").split())), c) for c in self.chunks]
        return [c for n, c in sorted(scored, key=lambda p: -p[0]) if n > 0]

    async def close(self) -> None:
        self.ready = False


class TestKeywordRetrieverAdapter(_Queries, RetrieverContract):
    @pytest.fixture
    def retriever(self) -> Retriever:
        adapted = as_retriever("kb", KeywordOverlapRetriever(PASSAGES))
        assert isinstance(adapted, KeywordRetrieverAdapter)
        return adapted
