"""Reading the JSON array of memories a model answers with when extracting or compacting.

Models wrap JSON in markdown fences or a sentence now and then; both are tolerated. Anything
that is not an array of objects is junk (``None``); items without usable ``content`` are
dropped, an unknown ``type`` or a non-numeric ``importance`` is left for the caller to
default.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from agent_gateway_core.domain.memory import MemoryType

MAX_CONTENT_CHARS = 2000
MAX_ITEMS = 50


@dataclass(frozen=True, slots=True)
class MemoryItem:
    """One memory as the model gave it; ``None`` where it gave nothing usable."""

    content: str
    memory_type: MemoryType | None
    importance: float | None


def parse_memory_items(text: str | None) -> list[MemoryItem] | None:
    """The items of the model's JSON array (at most :data:`MAX_ITEMS`), or ``None`` when the
    answer is not a JSON array."""
    parsed = _json_array(text or "")
    if parsed is None:
        return None
    items: list[MemoryItem] = []
    for raw in parsed:
        item = _item(raw)
        if item is not None:
            items.append(item)
        if len(items) == MAX_ITEMS:
            break
    return items


def _json_array(text: str) -> list[object] | None:
    cleaned = "\n".join(
        line for line in text.strip().splitlines() if not line.strip().startswith("```")
    ).strip()
    candidates = [cleaned]
    start, end = cleaned.find("["), cleaned.rfind("]")
    if 0 < start < end:
        candidates.append(cleaned[start : end + 1])  # an array after a sentence
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, list):
            return value
    return None


def _item(raw: object) -> MemoryItem | None:
    if not isinstance(raw, dict):
        return None
    content = raw.get("content")
    if not isinstance(content, str) or not content.strip():
        return None
    content = content.strip()
    if len(content) > MAX_CONTENT_CHARS:
        return None
    kind = raw.get("type")
    try:
        memory_type = MemoryType(kind) if isinstance(kind, str) else None
    except ValueError:
        memory_type = None
    return MemoryItem(
        content=content, memory_type=memory_type, importance=_importance(raw.get("importance"))
    )


def _importance(value: object) -> float | None:
    """A number clamped to 0..1; ``None`` for anything else (booleans and NaN included)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return max(0.0, min(1.0, float(value)))
