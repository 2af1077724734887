"""Split a markdown file into its YAML frontmatter mapping and its body.

The format is the one static-site generators use::

    ---
    key: value
    ---
    Body text.

A byte-order mark and Windows or old-Mac line endings are accepted. A file that does not
start with a ``---`` line has no frontmatter: an empty mapping and the whole text as body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent_gateway_core.workspace.yaml_mapping import YamlMappingError, load_yaml_mapping

_FENCE = "---"


class FrontmatterError(ValueError):
    """The frontmatter is unterminated, not valid YAML, or not a mapping."""


@dataclass(frozen=True, slots=True)
class MarkdownDocument:
    """A parsed markdown file: ``frontmatter`` mapping and ``body`` without surrounding blanks."""

    frontmatter: dict[str, Any]
    body: str


def parse_frontmatter(text: str) -> MarkdownDocument:
    """Parse ``text``; raise :class:`FrontmatterError` naming the line when it is malformed."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[0].rstrip() != _FENCE:
        return MarkdownDocument(frontmatter={}, body="\n".join(lines).strip())
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == _FENCE), None)
    if closing is None:
        raise FrontmatterError(
            "frontmatter opened with '---' on line 1 is never closed: add a '---' line after it"
        )
    try:
        # Line 2 of the file is the first line of the YAML block.
        data = load_yaml_mapping("\n".join(lines[1:closing]), first_line=2)
    except YamlMappingError as exc:
        raise FrontmatterError(f"frontmatter: {exc}") from None
    return MarkdownDocument(frontmatter=data, body="\n".join(lines[closing + 1 :]).strip())
