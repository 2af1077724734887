"""Text that came from users or models, made safe to quote inside a fenced prompt section.

Memories and conversations are quoted to a model between tags such as ``<memories>`` and
``</memories>``. Their text must not be able to close that fence (or open another tag the
prompt uses) and pass itself off as the prompt's own words.
"""

from __future__ import annotations

import re

# "<" opening something tag-like: "<memories>", "</memories>", "<!--", "<?xml".
# A "<" that is not ("a < b", "<3") is left alone.
_TAG_OPEN = re.compile(r"<(?=[/!?A-Za-z])")
_WHITESPACE = re.compile(r"\s+")


def neutralise_tags(text: str) -> str:
    """``text`` with every tag-like ``<`` written ``&lt;``, so no tag can open or close."""
    return _TAG_OPEN.sub("&lt;", text)


def one_line(text: str) -> str:
    """``text`` on one line, runs of whitespace (newlines included) made one space, with tags
    neutralised: a quoted memory can neither close its fence nor start a heading of its own."""
    return neutralise_tags(_WHITESPACE.sub(" ", text).strip())
