"""The line cap (gateway.yaml memory.max_memory_md_lines): the least valuable go first."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent_gateway_core.domain.memory import MemoryScope, MemoryType, NewMemory
from agent_gateway_core.memory.file_backend import FileMemoryManager
from agent_gateway_core.testing import ManualClock

pytestmark = pytest.mark.unit

AGENT = MemoryScope(agent_id="support")


def line_count(manager: FileMemoryManager) -> int:
    return len(manager.path_for(AGENT).read_text(encoding="utf-8").splitlines())


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 1, 1, tzinfo=UTC))


async def test_a_full_file_evicts_lowest_importance_then_oldest_and_warns(
    tmp_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    # Header, blank, heading and 5 memories: 8 lines.
    manager = FileMemoryManager(tmp_path, max_lines=8, clock=clock)
    importances = [0.9, 0.2, 0.5, 0.2, 0.9]
    records = []
    for n, importance in enumerate(importances):
        clock.advance(1)
        records.append(await manager.remember(AGENT, f"fact {n}", importance=importance))
    assert line_count(manager) == 8
    caplog.set_level(logging.WARNING)
    clock.advance(1)
    newest = await manager.remember(AGENT, "fact 5", importance=0.6)
    clock.advance(1)
    newer = await manager.remember(AGENT, "fact 6", importance=0.6)
    assert [r.content for r in await manager.list_all(AGENT)] == [
        "fact 0",
        "fact 2",
        "fact 4",
        newest.content,
        newer.content,
    ]
    assert line_count(manager) == 8
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert str(manager.path_for(AGENT)) in warnings[0]
    assert "evicted 1 " in warnings[0]


async def test_a_new_section_costs_two_lines_and_the_file_still_fits(
    tmp_path: Path, clock: ManualClock
) -> None:
    manager = FileMemoryManager(tmp_path, max_lines=8, clock=clock)
    for n in range(5):
        clock.advance(1)
        await manager.remember(AGENT, f"fact {n}", importance=0.5 + n / 10)
    clock.advance(1)
    await manager.remember(AGENT, "what happened", memory_type=MemoryType.EPISODIC, importance=1)
    assert line_count(manager) <= 8
    assert [r.content for r in await manager.list_all(AGENT)] == [
        "fact 3",
        "fact 4",
        "what happened",
    ]


async def test_a_memory_less_valuable_than_all_others_is_the_one_evicted(
    tmp_path: Path, clock: ManualClock
) -> None:
    manager = FileMemoryManager(tmp_path, max_lines=5, clock=clock)
    kept = await manager.replace(
        AGENT, [], [NewMemory(content="vital", importance=1), NewMemory(content="key")]
    )
    clock.advance(1)
    trivia = await manager.remember(AGENT, "trivia", importance=0.1)
    assert trivia.content == "trivia"
    assert await manager.list_all(AGENT) == kept


async def test_a_hand_made_long_file_is_trimmed_on_the_next_write(
    tmp_path: Path, clock: ManualClock
) -> None:
    manager = FileMemoryManager(tmp_path, max_lines=10, clock=clock)
    path = manager.path_for(AGENT)
    path.parent.mkdir(parents=True)
    path.write_text("## Semantic\n" + "".join(f"- hand fact {n}\n" for n in range(30)))
    written = datetime(2025, 6, 1, tzinfo=UTC).timestamp()  # before the clock's time
    os.utime(path, (written, written))
    assert len(await manager.list_all(AGENT)) == 30  # reads never drop anything
    await manager.remember(AGENT, "one more", importance=0.9)
    assert line_count(manager) == 10
    records = await manager.list_all(AGENT)
    assert [r.content for r in records] == [f"hand fact {n}" for n in range(24, 30)] + ["one more"]


def test_a_cap_too_small_for_one_memory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 4"):
        FileMemoryManager(tmp_path, max_lines=3)
    assert FileMemoryManager(tmp_path, max_lines=4).max_lines == 4
