"""How memory backends that have no search engine rank a scope's memories for a query."""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent_gateway_core.domain.memory import MemoryRecord

_WORD = re.compile(r"\w+")


def words(text: str) -> frozenset[str]:
    """The lower-cased words of ``text``."""
    return frozenset(_WORD.findall(text.lower()))


def rank_by_relevance(
    oldest_first: Sequence[MemoryRecord], query: str, limit: int
) -> list[MemoryRecord]:
    """At most ``limit`` of ``oldest_first`` that share a word with ``query``, those sharing
    the most first, ties newest first. An empty query gives the newest ones."""
    newest_first = list(reversed(oldest_first))
    query_words = words(query)
    if not query_words:
        return newest_first[: max(0, limit)]
    scored = [(len(query_words & words(record.content)), record) for record in newest_first]
    # sorted() is stable, so equally relevant memories stay newest first.
    ranked = sorted((pair for pair in scored if pair[0] > 0), key=lambda pair: -pair[0])
    return [record for _, record in ranked[: max(0, limit)]]
