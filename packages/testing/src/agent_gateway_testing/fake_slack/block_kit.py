"""The part of Slack's Block Kit validation that a message builder can get wrong: limits."""

from __future__ import annotations

from typing import Any

MAX_BLOCKS = 50
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
_TEXT_TYPES = ("plain_text", "mrkdwn")


def block_kit_problems(blocks: Any) -> list[str]:
    """What Slack would say about ``blocks`` (``invalid_blocks``), in its words and JSON
    pointers; empty when they pass. Block types it does not know are let through."""
    if not isinstance(blocks, list):
        return ["must be an array [json-pointer:/blocks]"]
    problems: list[str] = []
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]")
    for index, block in enumerate(blocks):
        where = f"/blocks/{index}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            problems.append(f"must be an object with a 'type' [json-pointer:{where}]")
            continue
        problems.extend(_block_problems(block, where))
    return problems


def _block_problems(block: dict[str, Any], where: str) -> list[str]:
    kind = block["type"]
    if kind == "header":
        return _text_problems(
            block.get("text"), f"{where}/text", HEADER_TEXT_MAX, types=("plain_text",)
        )
    if kind == "section":
        if "text" not in block and "fields" not in block:
            return [f"must provide 'text' or 'fields' [json-pointer:{where}]"]
        problems: list[str] = []
        if "text" in block:
            problems += _text_problems(block["text"], f"{where}/text", SECTION_TEXT_MAX)
        fields = block.get("fields", [])
        if not isinstance(fields, list) or len(fields) > SECTION_FIELDS_MAX:
            problems.append(
                f"must be at most {SECTION_FIELDS_MAX} items [json-pointer:{where}/fields]"
            )
        else:
            for number, field in enumerate(fields):
                problems += _text_problems(field, f"{where}/fields/{number}", FIELD_TEXT_MAX)
        return problems
    if kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= CONTEXT_ELEMENTS_MAX:
            return [f"must have 1 to {CONTEXT_ELEMENTS_MAX} items [json-pointer:{where}/elements]"]
    return []


def _text_problems(
    text: Any, where: str, limit: int, *, types: tuple[str, ...] = _TEXT_TYPES
) -> list[str]:
    if not isinstance(text, dict) or text.get("type") not in types:
        return [f"must be a text object of type {' or '.join(types)} [json-pointer:{where}]"]
    value = text.get("text")
    if not isinstance(value, str) or not value:
        return [f"must be a non-empty string [json-pointer:{where}/text]"]
    if len(value) > limit:
        return [f"must be less than {limit + 1} characters [json-pointer:{where}/text]"]
    return []
