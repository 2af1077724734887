"""How deeply JSON nests: measured on the text, before parsing it.

Python's ``json`` module recurses once per level of nesting and fails with ``RecursionError``
near 1,000 levels; pydantic refuses to serialize values nested deeper than about 250. So a
document is measured *before* it is parsed, by :func:`nesting_exceeds`, which does not recurse
and runs at C speed: when the document has no more opening brackets than the limit it cannot
nest deeper, and that count is all most documents cost.
"""

from __future__ import annotations

import re

DEFAULT_MAX_JSON_DEPTH = 32
"""Levels of objects and arrays a value may nest (``{"a": [1]}`` is 2), unless configured."""

# A JSON string, escapes included (unrolled, so long strings cost no backtracking).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
# Both kinds of bracket as one: a pass then removes exactly one level, whatever the mix.
_AS_ONE_KIND = bytes.maketrans(b"[{]}", b"<<>>")


def nesting_exceeds(document: bytes | str, limit: int) -> bool:
    """Whether the JSON text ``document`` nests objects and arrays more than ``limit`` deep.

    Brackets inside strings do not count. Text that is not JSON is measured as far as its
    brackets go: brackets left open count, closing brackets without an opening one do not.
    """
    if isinstance(document, str):
        document = document.encode("utf-8", "surrogatepass")
    if document.count(b"[") + document.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", document).translate(_AS_ONE_KIND, _NOT_A_BRACKET)
    budget = limit
    # While at least one bracket in eight closes an innermost level, strip that level at once
    # (C speed; the text shrinks by a quarter or more each time), then walk what is left run
    # by run: a long run of opening brackets is one step of the walk.
    while True:
        if len(brackets) <= budget:  # too short to open budget + 1 levels
            return False
        if b"<" * (budget + 1) in brackets:
            return True
        if brackets.count(b"<>") * 8 < len(brackets):
            return _walk_exceeds(brackets, budget)
        brackets = brackets.replace(b"<>", b"")
        budget -= 1


_RUNS = re.compile(rb"<+|>+")


def _walk_exceeds(brackets: bytes, limit: int) -> bool:
    depth = 0
    for run in _RUNS.findall(brackets):
        if run[0] == 0x3C:  # "<"
            depth += len(run)
            if depth > limit:
                return True
        else:
            depth = max(0, depth - len(run))
    return False
