"""A Retriever over a fixed list of passages."""

from __future__ import annotations

from collections.abc import Sequence

from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.retriever import RetrievalQuery, Retriever
from agent_gateway_core.testing.text_match import overlap, words


class StaticRetriever(Retriever):
    """Returns the passages sharing words with the query, most shared words first.

    An empty query returns every passage in the given order. Set ``available = False`` to make
    ``retrieve`` raise ``BackendUnavailableError``.
    """

    def __init__(self, passages: Sequence[str]) -> None:
        self.passages = list(passages)
        self.available = True

    async def retrieve(self, query: RetrievalQuery) -> list[str]:
        if not self.available:
            raise BackendUnavailableError("static retriever is unavailable (simulated outage)")
        limit = max(0, query.limit)
        query_words = words(query.query)
        if not query_words:
            return self.passages[:limit]
        scored = [(overlap(query_words, p), p) for p in self.passages]
        # sorted() is stable, so equally good passages keep their given order.
        ranked = sorted((pair for pair in scored if pair[0] > 0), key=lambda p: -p[0])
        return [passage for _, passage in ranked[:limit]]
