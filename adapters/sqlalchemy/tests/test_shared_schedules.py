"""Schedules shared by processes: one create of an id wins across them, and each sees the
others' writes in ``revision()``."""

from __future__ import annotations

import asyncio

import pytest

from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_testing.contracts.persistence.records import at, schedule

pytestmark = pytest.mark.integration


async def test_concurrent_creates_from_two_processes_let_exactly_one_win(
    two_backends: tuple[SqlAlchemyPersistence, SqlAlchemyPersistence],
) -> None:
    stores = [backend.schedules for backend in two_backends] * 4
    outcomes = await asyncio.gather(
        *(
            store.create(schedule("a", "race", message=f"from {n}"))
            for n, store in enumerate(stores)
        )
    )
    assert sum(outcomes) == 1
    stored = await stores[1].get("a:race")
    assert stored is not None
    assert (stored.message, stored.revision) == (f"from {outcomes.index(True)}", 1)


async def test_concurrent_saves_from_two_processes_each_count_one_revision(
    two_backends: tuple[SqlAlchemyPersistence, SqlAlchemyPersistence],
) -> None:
    stores = [backend.schedules for backend in two_backends] * 4
    await asyncio.gather(*(store.save(schedule("a", "busy")) for store in stores))
    stored = await stores[0].get("a:busy")
    assert stored is not None
    assert stored.revision == len(stores)


async def test_a_process_sees_the_writes_of_another_in_revision(
    two_backends: tuple[SqlAlchemyPersistence, SqlAlchemyPersistence],
) -> None:
    writer, watcher = (backend.schedules for backend in two_backends)
    seen = [await watcher.revision()]
    await writer.create(schedule("a", "one"))
    seen.append(await watcher.revision())
    await writer.save(schedule("a", "one", enabled=False))
    seen.append(await watcher.revision())
    await writer.soft_delete("a:one")
    seen.append(await watcher.revision())
    assert seen == [0, 1, 2, 3]
    await writer.record_run("a:one", run_at=at(5), execution_id="e1", status="queued")
    assert await watcher.revision() == 3
