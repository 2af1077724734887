"""MarkdownFolderRetriever passes the Retriever contract, in memory and on an index file."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_gateway_core.ports.retriever import RetrievalQuery
from agent_gateway_fts import MarkdownFolderRetriever
from agent_gateway_testing.contracts import RetrieverContract

from .conftest import MakeRetriever, ask

pytestmark = pytest.mark.integration


class _DocsQueries:
    @pytest.fixture
    def matching_query(self) -> RetrievalQuery:
        return ask("refunds for annual plans")

    @pytest.fixture
    def best_passage(self) -> str:
        return (
            "Source: billing/refunds.md — Refunds > Annual plans\n\n"
            "Refunds for annual plans are prorated by the remaining months."
        )

    @pytest.fixture
    def unmatched_query(self) -> RetrievalQuery:
        return ask("quantum chromodynamics")


class TestInMemoryIndex(_DocsQueries, RetrieverContract):
    @pytest.fixture
    def retriever(self, make_retriever: MakeRetriever) -> MarkdownFolderRetriever:
        return make_retriever()


class TestIndexFile(_DocsQueries, RetrieverContract):
    @pytest.fixture
    def retriever(self, make_retriever: MakeRetriever, tmp_path: Path) -> MarkdownFolderRetriever:
        return make_retriever(index_path=tmp_path / "index" / "docs.db")
