"""Markdown text → sections under their heading trail, cut to at most ``chunk_chars`` each.

A section is the text between two headings (ATX ``# Title`` or setext ``Title\\n===``),
carrying the trail of headings above it (``("Install", "Linux")``). Headings inside fenced
code blocks are text. Leading YAML front matter is dropped. A section longer than
``chunk_chars`` is cut on blank lines between blocks (a fenced code block is one block),
then on line ends, and only as a last resort inside a line, at a space when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# A line that cannot be the text of a setext heading: a list item, quote, table row, heading.
_NOT_SETEXT_TEXT = re.compile(r"^ {0,3}(?:[-*+>|#]|\d+[.)])")


@dataclass(frozen=True, slots=True)
class Section:
    """One chunk of a markdown file: the headings above it, outermost first, and its text."""

    headings: tuple[str, ...]
    text: str


def markdown_sections(markdown: str, *, chunk_chars: int) -> list[Section]:
    """The non-empty sections of ``markdown``, in document order, each at most
    ``chunk_chars`` characters of text."""
    markdown = _FRONT_MATTER.sub("", markdown.replace("\r\n", "\n").replace("\r", "\n"), count=1)
    sections: list[Section] = []
    trail: list[tuple[int, str]] = []
    blocks: list[str] = []
    lines: list[str] = []  # the block being read
    fence = ""  # the opening fence while inside a fenced code block

    def end_block() -> None:
        text = "\n".join(lines).strip("\n")
        if text.strip():
            blocks.append(text)
        lines.clear()

    def end_section() -> None:
        end_block()
        headings = tuple(title for _, title in trail if title)
        sections.extend(Section(headings, piece) for piece in _pack(blocks, chunk_chars))
        blocks.clear()

    def open_heading(level: int, title: str) -> None:
        end_section()
        while trail and trail[-1][0] >= level:
            trail.pop()
        trail.append((level, title))

    for line in markdown.split("\n"):
        line = line.rstrip()
        if fence:
            lines.append(line)
            if line.lstrip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if opened := _FENCE.match(line):
            fence = opened.group(1)
            lines.append(line)
        elif heading := _ATX.match(line):
            title = _ATX_CLOSING.sub("", heading.group(2) or "").strip()
            open_heading(len(heading.group(1)), title)
        elif (underline := _SETEXT.match(line)) and _setext_text(lines):
            title = lines.pop().strip()
            open_heading(1 if underline.group(1)[0] == "=" else 2, title)
        elif not line.strip():
            end_block()
        else:
            lines.append(line)
    end_section()
    return sections


def _setext_text(lines: list[str]) -> bool:
    """Whether the block read so far is one line that an underline makes a heading."""
    return len(lines) == 1 and not _NOT_SETEXT_TEXT.match(lines[0])


def _pack(blocks: list[str], limit: int) -> list[str]:
    """Join blocks with blank lines into pieces of at most ``limit`` characters."""
    pieces: list[str] = []
    current = ""
    for block in blocks:
        for part in _fit(block, limit) if len(block) > limit else [block]:
            if current and len(current) + 2 + len(part) <= limit:
                current += "\n\n" + part
            else:
                if current:
                    pieces.append(current)
                current = part
    if current:
        pieces.append(current)
    return pieces


def _fit(block: str, limit: int) -> list[str]:
    """A block too long for one piece, cut at line ends, or inside an overlong line."""
    parts: list[str] = []
    current = ""
    for line in block.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            head, line = line[:cut].rstrip(), line[cut:].lstrip()
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
        if current and len(current) + 1 + len(line) <= limit:
            current += "\n" + line
        else:
            if current:
                parts.append(current)
            current = line
    if current.strip():
        parts.append(current)
    return [part for part in parts if part.strip()]
