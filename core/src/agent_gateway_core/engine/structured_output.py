"""Structured output: which schema applies, parsing the model's JSON answer, the repair prompt.

Precedence: ``options.output_schema`` > a schema registered in code (``set_output_schema``) >
``output_schema`` in AGENT.md > none. Chat turns use only ``options.output_schema``.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from typing import Any

from pydantic import BaseModel

from agent_gateway_core.engine.schemas import CompiledSchema, SchemaSource
from agent_gateway_core.json_nesting import DEFAULT_MAX_JSON_DEPTH, nesting_exceeds

_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*\s*\n(?P<body>.*?)\n?\s*```\s*$", re.DOTALL)


def parse_structured_output(
    text: str, schema: CompiledSchema, max_depth: int = DEFAULT_MAX_JSON_DEPTH
) -> tuple[Any, list[str]]:
    """Parse ``text`` as JSON (tolerating a Markdown code fence) and validate it.

    Returns ``(value, [])`` where value is a dict/list or a pydantic instance, or
    ``(None, errors)``. An answer nesting objects and arrays more than ``max_depth`` levels
    deep is an error, found before parsing (so it can neither exhaust the parser's recursion
    nor be stored as a value nothing can serialize again).
    """
    match = _FENCE.match(text)
    body = match.group("body") if match else text.strip()
    if nesting_exceeds(body, max_depth):
        return None, [
            f"(root): the answer nests objects and arrays more than {max_depth} levels deep, "
            "the limit (guardrails.max_output_depth)"
        ]
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        return None, [f"(root): the answer is not valid JSON: {exc.msg} at position {exc.pos}"]
    return schema.validate(value)


def repair_prompt(errors: list[str]) -> str:
    """The user message asking the model to fix an answer that failed validation."""
    listed = "\n".join(f"- {e}" for e in errors)
    return (
        "Your answer does not match the required JSON Schema:\n"
        f"{listed}\n"
        "Answer again with only the corrected JSON."
    )


def to_record(value: Any) -> Any:
    """A structured output as stored: pydantic instances become plain JSON data."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


class SchemaCache:
    """Compiled per-call schemas, so a caller reusing one schema compiles it once."""

    def __init__(self, max_entries: int = 128) -> None:
        self._entries: OrderedDict[Any, CompiledSchema] = OrderedDict()
        self._max = max_entries

    def compile(self, source: SchemaSource) -> CompiledSchema:
        key: Any = (
            json.dumps(source, sort_keys=True, default=str) if isinstance(source, dict) else source
        )
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            return found
        compiled = CompiledSchema(source)
        self._entries[key] = compiled
        if len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return compiled
