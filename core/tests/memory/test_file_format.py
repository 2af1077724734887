"""The memory file format: 0.2's files load unchanged, ours round-trip, hand edits count."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent_gateway_core.domain.memory import MemoryScope, MemorySource, MemoryType
from agent_gateway_core.memory.file_backend import FileMemoryManager
from agent_gateway_core.testing import ManualClock

pytestmark = pytest.mark.unit

AGENT = MemoryScope(agent_id="support")
ALICE = MemoryScope(agent_id="support", user_id="alice")

# Exactly what agents-gateway 0.2.13 writes (its FileMemoryRepository.save, three kinds).
REFERENCE_FILE = """\
## Semantic
- [a1b2c3d4e5f6] User prefers metric units

## Episodic
- [0f0e0d0c0b0a] Deployed v2 on Friday

## Procedural
- [999888777666] Run make test before pushing
"""
# 0.2 also read lines without an id, as people wrote them by hand.
HAND_WRITTEN = """\
# Notes for the support agent

## Semantic
- The office is in Lisbon
- Standup is at 9:30

Some prose that is not a memory.
## Procedural
- Escalate outages to #ops
"""
MODIFIED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def write(manager: FileMemoryManager, scope: MemoryScope, text: str) -> Path:
    path = manager.path_for(scope)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (MODIFIED.timestamp(), MODIFIED.timestamp()))
    return path


@pytest.fixture
def manager(tmp_path: Path) -> FileMemoryManager:
    return FileMemoryManager(tmp_path, clock=ManualClock(datetime(2026, 6, 1, tzinfo=UTC)))


async def test_a_file_written_by_0_2_loads_with_its_ids_kinds_and_defaults(
    manager: FileMemoryManager,
) -> None:
    write(manager, AGENT, REFERENCE_FILE)
    records = await manager.list_all(AGENT)
    assert [(r.id, r.content, r.memory_type) for r in records] == [
        ("a1b2c3d4e5f6", "User prefers metric units", MemoryType.SEMANTIC),
        ("0f0e0d0c0b0a", "Deployed v2 on Friday", MemoryType.EPISODIC),
        ("999888777666", "Run make test before pushing", MemoryType.PROCEDURAL),
    ]
    for record in records:
        assert (record.scope, record.importance, record.source, record.metadata) == (
            AGENT,
            0.5,
            MemorySource.MANUAL,
            {},
        )
        assert record.created_at == MODIFIED  # the best 0.2 tells: no later than the file


async def test_0_2_user_files_load_including_hashed_names(manager: FileMemoryManager) -> None:
    write(manager, ALICE, "## Semantic\n- [aaaabbbbcccc] Alice likes tea\n")
    hashed = MemoryScope(agent_id="support", user_id="auth0|12345")
    assert manager.path_for(hashed).name == "user-2a2f9dd69ccf844c.md"  # as 0.2 names it
    write(manager, hashed, "## Semantic\n- [ddddeeeeffff] Has a dog\n")
    assert [r.content for r in await manager.list_all(ALICE)] == ["Alice likes tea"]
    assert [r.content for r in await manager.list_all(hashed)] == ["Has a dog"]


async def test_lines_without_an_id_get_the_same_id_on_every_read(
    manager: FileMemoryManager,
) -> None:
    write(manager, AGENT, HAND_WRITTEN)
    first = await manager.list_all(AGENT)
    assert [(r.content, r.memory_type) for r in first] == [
        ("The office is in Lisbon", MemoryType.SEMANTIC),
        ("Standup is at 9:30", MemoryType.SEMANTIC),
        ("Escalate outages to #ops", MemoryType.PROCEDURAL),
    ]
    assert await manager.list_all(AGENT) == first
    assert len({r.id for r in first}) == 3
    assert await manager.forget(AGENT, first[1].id) is True
    assert await manager.list_all(AGENT) == [first[0], first[2]]  # ids survive the rewrite


async def test_a_write_keeps_0_2_memories_and_adds_the_header_and_details(
    manager: FileMemoryManager,
) -> None:
    path = write(manager, AGENT, REFERENCE_FILE)
    before = await manager.list_all(AGENT)
    added = await manager.remember(
        AGENT, "Quiet hours start at 22:00", {"execution_id": "e1"}, importance=0.7
    )
    assert await manager.list_all(AGENT) == [*before, added]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("<!-- Agent Gateway memory. Maintained by Agent Gateway;")
    assert "edit it by hand" in lines[0]
    assert lines[1:4] == [
        "",
        "## Semantic",
        "- [a1b2c3d4e5f6] User prefers metric units"
        " <!-- importance=0.5 source=manual created=2026-03-01T12:00:00Z -->",
    ]
    assert lines[4] == (
        f"- [{added.id}] Quiet hours start at 22:00 <!-- importance=0.7 source=manual"
        ' created=2026-06-01T00:00:00Z metadata={"execution_id":"e1"} -->'
    )
    assert "## Episodic" in lines
    assert "## Procedural" in lines


async def test_every_field_round_trips_through_the_file(tmp_path: Path) -> None:
    writer = FileMemoryManager(tmp_path)
    record = await writer.remember(
        ALICE,
        "Alice's tea order",
        {"n": 1, "tags": ["a", "b"], "nested": {"ok": True}, "text": "é <b> & -->"},
        memory_type=MemoryType.EPISODIC,
        importance=0.123456789,
        source=MemorySource.EXTRACTED,
    )
    assert await FileMemoryManager(tmp_path).list_all(ALICE) == [record]


async def test_content_is_stored_on_one_line_and_cannot_forge_a_heading_or_comment(
    manager: FileMemoryManager,
) -> None:
    record = await manager.remember(
        AGENT,
        "first line\r\n\n## Procedural\n- [x] fake <!-- importance=1.0 -->\u2028last",
    )
    assert record.content == "first line ## Procedural - [x] fake < !-- importance=1.0 -- > last"
    assert await manager.list_all(AGENT) == [record]
    text = manager.path_for(AGENT).read_text(encoding="utf-8")
    assert "## Procedural" not in text.splitlines()
    with pytest.raises(ValueError, match="white space"):
        await manager.remember(AGENT, " \n\t\n ")


async def test_hand_edits_are_seen_by_the_next_read(manager: FileMemoryManager) -> None:
    kept = await manager.remember(AGENT, "Keep this one")
    gone = await manager.remember(AGENT, "Delete this one by hand")
    path = manager.path_for(AGENT)
    lines = path.read_text(encoding="utf-8").splitlines()
    edited = [line for line in lines if gone.id not in line]
    edited = [line.replace("importance=0.5", "importance=0.9") for line in edited]
    path.write_text("\n".join([*edited, "- Added by hand"]) + "\n", encoding="utf-8")
    later = datetime(2026, 7, 1, tzinfo=UTC).timestamp()  # after the clock's time
    os.utime(path, (later, later))
    records = await manager.list_all(AGENT)
    assert [(r.id, r.content, r.importance) for r in records[:1]] == [(kept.id, kept.content, 0.9)]
    assert [r.content for r in records] == ["Keep this one", "Added by hand"]
    assert (await manager.recall(AGENT, "added by hand"))[0].content == "Added by hand"


async def test_bad_hand_written_values_read_as_defaults(manager: FileMemoryManager) -> None:
    write(
        manager,
        AGENT,
        "## Episodic\n"
        "- [a] too important <!-- importance=7 source=dreamt created=yesterday metadata=[1] -->\n"
        "- [b] not a number <!-- importance=high metadata={broken -->\n"
        "- [c] a person's note <!-- check this -->\n"
        "- [d] naive time <!-- created=2026-04-02T03:04:05 -->\n",
    )
    a, b, c, d = await manager.list_all(AGENT)
    assert (a.importance, a.source, a.created_at, a.metadata) == (
        1.0,
        MemorySource.MANUAL,
        MODIFIED,
        {},
    )
    assert (b.importance, b.metadata) == (0.5, {})
    assert c.content == "a person's note <!-- check this -->"  # not ours: part of the text
    assert d.created_at == datetime(2026, 4, 2, 3, 4, 5, tzinfo=UTC)


async def test_duplicate_lines_and_ids_in_a_hand_edited_file_read_as_distinct_records(
    manager: FileMemoryManager,
) -> None:
    write(
        manager,
        AGENT,
        "## Semantic\n- [same] one fact\n- [same] another fact\n- one fact\n- [ ] a checkbox\n",
    )
    records = await manager.list_all(AGENT)
    assert [r.content for r in records] == ["one fact", "another fact", "a checkbox"]
    assert len({r.id for r in records}) == 3
    assert records[0].id == "same"


async def test_a_byte_order_mark_and_windows_line_ends_are_accepted(
    manager: FileMemoryManager,
) -> None:
    path = manager.path_for(AGENT)
    path.parent.mkdir(parents=True)
    path.write_bytes("\ufeff## Semantic\r\n- [k1] Café opens at 8\r\n".encode())
    assert [(r.id, r.content) for r in await manager.list_all(AGENT)] == [("k1", "Café opens at 8")]


async def test_the_last_memory_gone_removes_the_file(manager: FileMemoryManager) -> None:
    record = await manager.remember(ALICE, "short-lived")
    path = manager.path_for(ALICE)
    assert path.exists()
    await manager.forget(ALICE, record.id)
    assert not path.exists()
    assert not [p for p in path.parent.iterdir() if p.suffix == ".tmp"]


async def test_reading_an_unknown_scope_creates_nothing(tmp_path: Path) -> None:
    manager = FileMemoryManager(tmp_path / "workspace")
    assert await manager.list_all(ALICE) == []
    assert await manager.recall(ALICE, "anything") == []
    assert await manager.scopes("support") == []
    assert await manager.forget(ALICE, "nope") is False
    assert not (tmp_path / "workspace" / "agents" / "support" / "memory" / "alice.md").exists()


async def test_metadata_that_is_not_json_fails_without_touching_the_file(
    manager: FileMemoryManager,
) -> None:
    kept = await manager.remember(AGENT, "a fact")
    with pytest.raises(TypeError):
        await manager.remember(AGENT, "when", {"at": datetime.now(UTC)})
    assert await manager.list_all(AGENT) == [kept]
