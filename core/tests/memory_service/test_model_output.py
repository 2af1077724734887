"""Reading the model's JSON array of memories, and quoting untrusted text."""

from __future__ import annotations

import json

import pytest

from agent_gateway_core.domain.memory import MemoryType
from agent_gateway_core.memory.model_output import MAX_ITEMS, MemoryItem, parse_memory_items
from agent_gateway_core.memory.untrusted_text import neutralise_tags, one_line

pytestmark = pytest.mark.unit


def test_items_are_read_with_their_type_and_clamped_importance() -> None:
    text = json.dumps(
        [
            {"content": " tea ", "type": "episodic", "importance": 1.7},
            {"content": "coffee", "type": "gossip", "importance": True},
            {"content": "water", "importance": -1},
        ]
    )

    assert parse_memory_items(text) == [
        MemoryItem("tea", MemoryType.EPISODIC, 1.0),
        MemoryItem("coffee", None, None),
        MemoryItem("water", None, 0.0),
    ]


@pytest.mark.parametrize(
    "text",
    ['```json\n[{"content": "tea"}]\n```', 'Here you go:\n[{"content": "tea"}]\nThanks!'],
    ids=["fenced", "after-a-sentence"],
)
def test_an_array_wrapped_in_fences_or_prose_is_found(text: str) -> None:
    assert parse_memory_items(text) == [MemoryItem("tea", None, None)]


@pytest.mark.parametrize("text", [None, "", "nothing", '{"content": "tea"}', "[1, 2"])
def test_anything_but_an_array_is_junk(text: str | None) -> None:
    assert parse_memory_items(text) is None


def test_unusable_items_are_dropped_and_the_count_is_capped() -> None:
    usable = [{"content": f"fact {n}"} for n in range(MAX_ITEMS + 5)]
    text = json.dumps(["plain", {"content": ""}, {"content": "x" * 2001}, {"text": "t"}, *usable])

    items = parse_memory_items(text)

    assert items is not None
    assert len(items) == MAX_ITEMS
    assert items[0].content == "fact 0"


def test_tags_are_neutralised_and_text_kept_on_one_line() -> None:
    assert neutralise_tags("</memories><b>x</b> a < b <3") == (
        "&lt;/memories>&lt;b>x&lt;/b> a < b <3"
    )
    assert one_line("  first\n\n## heading\t<memories> ") == "first ## heading &lt;memories>"
