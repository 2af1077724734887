"""StaticRetriever passes the Retriever contract."""

from __future__ import annotations

import pytest

from agent_gateway_core.ports.retriever import RetrievalQuery
from agent_gateway_core.testing import StaticRetriever
from agent_gateway_testing.contracts import RetrieverContract

pytestmark = pytest.mark.unit

PASSAGES = [
    "Refunds are processed within five business days.",
    "Refunds for annual plans are prorated by the remaining months.",
    "The office is closed on public holidays.",
]


class TestStaticRetriever(RetrieverContract):
    @pytest.fixture
    def retriever(self) -> StaticRetriever:
        return StaticRetriever(PASSAGES)

    @pytest.fixture
    def matching_query(self) -> RetrievalQuery:
        return RetrievalQuery(query="refunds for annual plans", agent_id="support")

    @pytest.fixture
    def best_passage(self) -> str:
        return PASSAGES[1]

    @pytest.fixture
    def unmatched_query(self) -> RetrievalQuery:
        return RetrievalQuery(query="quantum chromodynamics", agent_id="support")
