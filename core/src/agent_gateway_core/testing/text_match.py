"""Word-overlap relevance shared by the in-memory memory manager and retriever."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")


def words(text: str) -> frozenset[str]:
    """The lower-cased words of ``text``."""
    return frozenset(_WORD.findall(text.lower()))


def overlap(query_words: frozenset[str], text: str) -> int:
    """How many distinct query words ``text`` contains."""
    return len(query_words & words(text))
