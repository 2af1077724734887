"""Contract of Retriever: relevant passages best first, an empty list when nothing matches."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from agent_gateway_core.ports.retriever import RetrievalQuery, Retriever
from agent_gateway_testing.contracts._required import fixture_required


class RetrieverContract:
    """Every sentence of the Retriever docstring.

    Subclasses override ``retriever``, ``matching_query`` (at least two passages match),
    ``best_passage`` (the one that must come first for it) and ``unmatched_query``.
    """

    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    def retriever(self) -> Retriever:
        fixture_required(self, "retriever")

    @pytest.fixture
    def matching_query(self) -> RetrievalQuery:
        fixture_required(self, "matching_query")

    @pytest.fixture
    def best_passage(self) -> str:
        fixture_required(self, "best_passage")

    @pytest.fixture
    def unmatched_query(self) -> RetrievalQuery:
        fixture_required(self, "unmatched_query")

    async def test_a_matching_query_returns_passages_best_first(
        self, retriever: Retriever, matching_query: RetrievalQuery, best_passage: str
    ) -> None:
        passages = await retriever.retrieve(matching_query)
        assert all(isinstance(p, str) for p in passages)
        assert len(passages) >= 2
        assert passages[0] == best_passage

    async def test_at_most_limit_passages(
        self, retriever: Retriever, matching_query: RetrievalQuery
    ) -> None:
        assert len(await retriever.retrieve(dataclasses.replace(matching_query, limit=1))) == 1

    async def test_no_match_returns_an_empty_list(
        self, retriever: Retriever, unmatched_query: RetrievalQuery
    ) -> None:
        assert await retriever.retrieve(unmatched_query) == []

    async def test_optional_hooks_take_no_arguments(
        self, retriever: Retriever, matching_query: RetrievalQuery
    ) -> None:
        # initialize() and close() are optional; when present, each is called without
        # arguments (and awaited if it returns an awaitable), around retrieve calls.
        for hook in ("initialize", "close"):
            method = getattr(retriever, hook, None)
            if method is None:
                continue
            outcome = method()
            if inspect.isawaitable(outcome):
                await outcome
            if hook == "initialize":
                assert await retriever.retrieve(matching_query)
