"""The memory file format: Markdown a person can read and edit, that 0.2's files already are.

An example file::

    <!-- Agent Gateway memory of user "alice". Maintained by Agent Gateway; ... -->

    ## Semantic
    - [3f9a0c1d2e4b] Prefers metric units <!-- importance=0.7 source=manual created=2026-12-06T16:00:00Z -->

    ## Episodic
    - [77aa01b2c3d4] Asked for the Q3 report <!-- importance=0.5 source=extracted created=2026-12-06T16:02:11.250000Z metadata={"execution_id":"e1"} -->

One memory per ``- [id] content`` line under the heading of its kind. The trailing comment
keeps what 0.2 lost (importance, source, creation time, metadata); renderers hide it. Lines
0.2 wrote have no comment and may have no id: they read with the defaults, the file's
modification time as their creation time, and an id derived from their content, so the
same line has the same id on every read. Any other line is ignored and not written back.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from agent_gateway_core.domain.memory import MemoryRecord, MemoryScope, MemorySource, MemoryType

_HEADING = re.compile(r"##\s+(semantic|episodic|procedural)\s*", re.IGNORECASE)
_LINE = re.compile(r"- (?:\[([^\]]+)\] )?(.+)")  # 0.2's line: optional "[id] ", then content
_TRAILER = re.compile(r"\s*<!--([^<>]*)-->\s*\Z")  # our values never hold "<" or ">"
_HEADER_USER = re.compile(r'<!-- Agent Gateway memory of user ("(?:[^"\\]|\\.)*")')
_FIELDS = frozenset({"importance", "source", "created"})
_HEADER_TAIL = (
    ". Maintained by Agent Gateway; you may edit it by hand: one memory per"
    ' "- [id] text" line under ## Semantic, ## Episodic or ## Procedural, its comment holding'
    " importance, source and time. Other lines are dropped on the next save. -->"
)
_DERIVED_ID_LENGTH = 12

# A file is the header and a blank line, then per kind held: heading, memories, blank line.
_HEADER_LINES = 2
_SECTION_OVERHEAD = 2


@dataclass(frozen=True, slots=True)
class ParsedFile:
    records: list[MemoryRecord]  # oldest first
    owner: str | None  # the user id its header names; None without one (0.2, agent-wide)


def clean_content(content: str) -> str:
    """``content`` as one line that cannot end the memory's line or open a comment: line
    breaks collapse to single spaces, and comment markers are broken apart."""
    line = " ".join(part.strip() for part in content.splitlines() if part.strip())
    return line.replace("<!--", "< !--").replace("-->", "-- >")


def parse(text: str, scope: MemoryScope, modified_at: datetime) -> ParsedFile:
    """The memories of a file's ``text``, oldest first (file order among equal times).

    Never raises on a hand-edited value: a bad one reads as its default.
    """
    records: list[MemoryRecord] = []
    ids: set[str] = set()
    contents: set[str] = set()
    kind = MemoryType.SEMANTIC
    for line in text.splitlines():
        if heading := _HEADING.fullmatch(line):
            kind = MemoryType(heading.group(1).lower())
            continue
        if not (match := _LINE.fullmatch(line)):
            continue
        content, fields = _split_trailer(match.group(2))
        if not content or content in contents:  # one record per content, as remember keeps
            continue
        contents.add(content)
        record_id = match.group(1)
        if record_id is None or record_id in ids:
            record_id = _derived_id(content, ids)
        ids.add(record_id)
        records.append(_record(record_id, scope, content, kind, fields, modified_at))
    records.sort(key=lambda record: record.created_at)  # stable: file order breaks ties
    return ParsedFile(records=records, owner=owner_of(text))


def render(records: Sequence[MemoryRecord], owner: str | None) -> str:
    """The file holding ``records`` (oldest first), grouped by kind."""
    lines = [_header(owner), ""]
    for kind in MemoryType:
        group = [record for record in records if record.memory_type == kind]
        if group:
            lines.append(f"## {kind.value.title()}")
            lines.extend(_line(record) for record in group)
            lines.append("")
    return "\n".join(lines)


def line_count(kinds: dict[MemoryType, int]) -> int:
    """How many lines :func:`render` writes for this many memories of each kind."""
    # The last blank line is only the final newline, not a line of its own.
    return _HEADER_LINES - 1 + sum(n + _SECTION_OVERHEAD for n in kinds.values() if n)


def _split_trailer(rest: str) -> tuple[str, dict[str, str]]:
    match = _TRAILER.search(rest)
    fields = _fields(match.group(1)) if match else {}
    if match is None or not fields:  # no comment, or a person's own: part of the content
        return rest.strip(), {}
    return rest[: match.start()].strip(), fields


def _fields(body: str) -> dict[str, str]:
    # metadata is last and is JSON (it may hold spaces); the others are single tokens.
    head, _, metadata = f" {body.strip()}".partition(" metadata=")
    pairs = (token.partition("=") for token in head.split())
    fields = {key: value for key, _, value in pairs if key in _FIELDS and value}
    if metadata:
        fields["metadata"] = metadata
    return fields


def _record(
    record_id: str,
    scope: MemoryScope,
    content: str,
    kind: MemoryType,
    fields: dict[str, str],
    modified_at: datetime,
) -> MemoryRecord:
    return MemoryRecord(
        id=record_id,
        scope=scope,
        content=content,
        metadata=_metadata(fields.get("metadata")),
        created_at=_created(fields.get("created"), modified_at),
        memory_type=kind,
        importance=_importance(fields.get("importance")),
        source=_source(fields.get("source")),
    )


def _importance(value: str | None) -> float:
    try:
        number = float(value) if value is not None else 0.5
    except ValueError:
        return 0.5
    return min(1.0, max(0.0, number)) if math.isfinite(number) else 0.5


def _source(value: str | None) -> MemorySource:
    try:
        return MemorySource(value or MemorySource.MANUAL)
    except ValueError:
        return MemorySource.MANUAL


def _created(value: str | None, modified_at: datetime) -> datetime:
    try:
        created = datetime.fromisoformat(value) if value is not None else modified_at
    except ValueError:
        return modified_at
    return created if created.tzinfo is not None else created.replace(tzinfo=UTC)


def _metadata(value: str | None) -> dict[str, Any]:
    try:
        loaded = json.loads(value) if value is not None else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _derived_id(content: str, taken: set[str]) -> str:
    digest = hashlib.sha256(content.encode()).hexdigest()[:_DERIVED_ID_LENGTH]
    candidate, n = digest, 1
    while candidate in taken:
        n += 1
        candidate = f"{digest}-{n}"
    return candidate


def owner_of(text: str) -> str | None:
    """The user id the header of a file's ``text`` names, if it names one."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    match = _HEADER_USER.match(first)
    if match is None:
        return None
    try:
        owner = json.loads(match.group(1))
    except ValueError:
        return None
    return owner if isinstance(owner, str) else None


def _header(owner: str | None) -> str:
    if owner is None:
        return f"<!-- Agent Gateway memory{_HEADER_TAIL}"
    return f"<!-- Agent Gateway memory of user {_comment_json(owner)}{_HEADER_TAIL}"


def _line(record: MemoryRecord) -> str:
    created = record.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    trailer = f"importance={record.importance!r} source={record.source.value} created={created}"
    if record.metadata:
        trailer += f" metadata={_comment_json(record.metadata)}"
    return f"- [{record.id}] {record.content} <!-- {trailer} -->"


def _comment_json(value: object) -> str:
    """JSON that cannot close the comment it sits in (no ``<``, ``>`` or ``&``)."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
