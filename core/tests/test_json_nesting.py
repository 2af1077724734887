"""nesting_exceeds: the depth of JSON text, measured without parsing it."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from agent_gateway_core.json_nesting import nesting_exceeds

pytestmark = pytest.mark.unit


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


def random_value(rng: random.Random, levels: int) -> Any:
    if levels == 0 or rng.random() < 0.2:
        # Strings holding brackets and escaped quotes must not count.
        return rng.choice([1, None, "a[{", '\\"]}', "]]]", "{{{"])
    if rng.random() < 0.5:
        return {f"k{i}": random_value(rng, levels - 1) for i in range(rng.randint(0, 3))}
    return [random_value(rng, levels - 1) for _ in range(rng.randint(0, 4))]


def test_it_agrees_with_the_depth_of_the_parsed_value() -> None:
    rng = random.Random(12)
    for _ in range(2_000):
        value = random_value(rng, rng.randint(0, 14))
        text = json.dumps(value)
        for limit in range(16):
            assert nesting_exceeds(text, limit) == (depth(value) > limit), (text, limit)


@pytest.mark.parametrize(
    ("text", "limit", "exceeds"),
    [
        ("{}", 1, False),
        ("[[]]", 1, True),
        ('{"a": "[[[[[[[[[["}', 1, False),
        ("[" * 40, 32, True),  # left open: counts
        ("]" * 40 + "[[", 2, False),  # closed without being opened: does not
        ("[" * 1_000_000, 32, True),
        ("[[]," * 250_000 + "[]", 32, True),
    ],
)
def test_edge_cases(text: str, limit: int, exceeds: bool) -> None:
    assert nesting_exceeds(text, limit) is exceeds
    assert nesting_exceeds(text.encode(), limit) is exceeds
