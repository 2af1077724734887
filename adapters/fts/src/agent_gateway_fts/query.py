"""Free text → a safe FTS5 MATCH expression: each word a quoted string, OR-ed together.

Users type questions, not FTS5 syntax: quotes, ``*``, ``-``, ``^``, ``:``, parentheses and
the operators ``AND``/``OR``/``NOT``/``NEAR`` must never reach the parser as syntax. Only
runs of letters and digits are kept, and each is quoted, so inside the expression they are
plain strings; the tokenizer then stems and folds them as it did the documents. bm25 rewards
passages matching more of the words, so OR loses little against AND and never comes back
empty because of one word the docs don't use.
"""

from __future__ import annotations

import re
import unicodedata

# Letters and digits in any script; ``_`` separates words as it does for unicode61.
_WORD = re.compile(r"[^\W_]+")

# A long message becomes a long OR: its first distinct words are enough to rank on.
MAX_TERMS = 32

# Words in nearly every passage: kept, they would make every question match something.
# fmt: off
STOPWORDS = frozenset({
    "a", "about", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could",
    "did", "do", "does", "for", "from", "had", "has", "have", "how", "i", "if", "in", "into",
    "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "please", "should", "so",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "us",
    "was", "we", "were", "what", "when", "where", "which", "who", "why", "will", "with", "would",
    "you", "your",
})
# fmt: on


def match_expression(text: str) -> str | None:
    """The FTS5 MATCH expression for ``text``, or None when it has no word to search for.

    Stopwords are dropped unless the text has nothing else (``"how to"`` still searches).
    """
    words: dict[str, str] = {}
    for word in _WORD.findall(unicodedata.normalize("NFKC", text)):
        words.setdefault(word.casefold(), word)
    if not words:
        return None
    kept = [word for key, word in words.items() if key not in STOPWORDS] or list(words.values())
    return " OR ".join(f'"{word}"' for word in kept[:MAX_TERMS])
