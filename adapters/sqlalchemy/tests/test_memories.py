"""The memory manager of SqlAlchemyPersistence: the MemoryManager contract on every database,
and memories shared by processes (one record per content, whoever saves it)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_gateway_core.domain.memory import (
    MemoryRecord,
    MemoryScope,
    MemorySource,
    MemoryType,
    NewMemory,
)
from agent_gateway_core.errors import BackendUnavailableError, DuplicateError
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_core.testing import ManualClock
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_sqlalchemy.migrations import upgrade
from agent_gateway_sqlalchemy.postgres import memories as memory_statements
from agent_gateway_testing.contracts import MemoryManagerContract

from .conftest import PostgresTarget, empty_tables, migrated_schema, run_in_thread

pytestmark = pytest.mark.integration

AGENT = MemoryScope(agent_id="helper")
ALICE = MemoryScope(agent_id="helper", user_id="alice")
UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:1/test"


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file at head, copied for each test: cheaper than migrating every time."""
    path = tmp_path_factory.mktemp("template") / "gateway.db"
    run_in_thread(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="module")
def postgres_target() -> Iterator[PostgresTarget]:
    with migrated_schema() as target:
        yield target


@pytest.fixture(scope="module")
def prefixed_postgres_target() -> Iterator[PostgresTarget]:
    with migrated_schema(table_prefix="agw_") as target:
        yield target


async def sqlite_file_backend(
    tmp_path: Path, template: Path, clock: Clock | None = None
) -> SqlAlchemyPersistence:
    path = tmp_path / "gateway.db"
    shutil.copyfile(template, path)
    backend = SqlAlchemyPersistence(f"sqlite+aiosqlite:///{path}", clock=clock)
    await backend.initialize()
    return backend


async def postgres_backend(
    target: PostgresTarget, clock: Clock | None = None
) -> SqlAlchemyPersistence:
    await empty_tables(target)
    backend = SqlAlchemyPersistence(
        target.url,
        schema=target.schema,
        table_prefix=target.table_prefix,
        pool_size=4,
        clock=clock,
    )
    await backend.initialize()
    return backend


class TestSqliteFile(MemoryManagerContract):
    @pytest.fixture
    async def memory_manager(
        self, tmp_path: Path, sqlite_template: Path
    ) -> AsyncIterator[MemoryManager]:
        backend = await sqlite_file_backend(tmp_path, sqlite_template)
        yield backend.memory
        await backend.aclose()


class TestSqliteFileOnAStoppedClock(MemoryManagerContract):
    """Every memory gets the same created_at: the order comes from the database's numbering."""

    @pytest.fixture
    async def memory_manager(
        self, tmp_path: Path, sqlite_template: Path, manual_clock: ManualClock
    ) -> AsyncIterator[MemoryManager]:
        backend = await sqlite_file_backend(tmp_path, sqlite_template, manual_clock)
        yield backend.memory
        await backend.aclose()


class TestSqliteInMemory(MemoryManagerContract):
    @pytest.fixture
    async def memory_manager(self) -> AsyncIterator[MemoryManager]:
        backend = SqlAlchemyPersistence("sqlite+aiosqlite:///:memory:")
        await backend.initialize()
        yield backend.memory
        await backend.aclose()


class TestPostgres(MemoryManagerContract):
    @pytest.fixture
    async def memory_manager(self, postgres_target: PostgresTarget) -> AsyncIterator[MemoryManager]:
        backend = await postgres_backend(postgres_target)
        yield backend.memory
        await backend.aclose()


class TestPostgresOnAStoppedClock(MemoryManagerContract):
    @pytest.fixture
    async def memory_manager(
        self, postgres_target: PostgresTarget, manual_clock: ManualClock
    ) -> AsyncIterator[MemoryManager]:
        backend = await postgres_backend(postgres_target, manual_clock)
        yield backend.memory
        await backend.aclose()


class TestPostgresWithTablePrefix(MemoryManagerContract):
    @pytest.fixture
    async def memory_manager(
        self, prefixed_postgres_target: PostgresTarget
    ) -> AsyncIterator[MemoryManager]:
        backend = await postgres_backend(prefixed_postgres_target)
        yield backend.memory
        await backend.aclose()


# Beyond the contract: what one database gives, on both of them.


@pytest.fixture(params=["sqlite", "postgres"])
async def backend(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[SqlAlchemyPersistence]:
    if request.param == "sqlite":
        created = SqlAlchemyPersistence(f"sqlite+aiosqlite:///{tmp_path}/memories.db")
        await created.initialize()
    else:
        created = await postgres_backend(request.getfixturevalue("postgres_target"))
    yield created
    await created.aclose()


async def test_every_field_is_stored_as_given(backend: SqlAlchemyPersistence) -> None:
    metadata: dict[str, Any] = {"tags": ["tea", "morning"], "weight": 0.25, "nested": {"a": None}}
    saved = await backend.memory.remember(
        ALICE,
        "Alice drinks green tea — every morning ☕",
        metadata,
        memory_type=MemoryType.EPISODIC,
        importance=0.875,
        source=MemorySource.EXTRACTED,
    )
    assert (saved.memory_type, saved.importance, saved.source) == (
        MemoryType.EPISODIC,
        0.875,
        MemorySource.EXTRACTED,
    )
    assert saved.metadata == metadata
    assert saved.created_at.utcoffset() is not None
    assert await backend.memory.list_all(ALICE) == [saved]


async def test_an_empty_user_id_is_a_scope_of_its_own(backend: SqlAlchemyPersistence) -> None:
    nobody = MemoryScope(agent_id="helper", user_id="")
    wide = await backend.memory.remember(AGENT, "the same words")
    empty = await backend.memory.remember(nobody, "the same words")
    assert wide.id != empty.id
    assert await backend.memory.list_all(nobody) == [empty]
    assert await backend.memory.list_all(AGENT) == [wide]
    assert await backend.memory.scopes("helper") == [AGENT, nobody]


async def test_a_user_id_of_the_longest_id_length_fits(backend: SqlAlchemyPersistence) -> None:
    scope = MemoryScope(agent_id="a" * 255, user_id="u" * 255)
    saved = await backend.memory.remember(scope, "long ids")
    assert await backend.memory.list_all(scope) == [saved]


async def test_scopes_list_users_by_id_whatever_the_database_collation(
    backend: SqlAlchemyPersistence,
) -> None:
    for user_id in ("carol", "alice", "Bob", None, "_ops"):
        await backend.memory.remember(MemoryScope(agent_id="helper", user_id=user_id), "a fact")
    await backend.memory.remember(MemoryScope(agent_id="other", user_id="zed"), "a fact")
    scopes = await backend.memory.scopes("helper")
    assert [s.user_id for s in scopes] == [None, "Bob", "_ops", "alice", "carol"]
    assert await backend.memory.scopes("nobody") == []


async def test_a_failed_replace_leaves_the_scope_as_it_was(
    backend: SqlAlchemyPersistence, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = [await backend.memory.remember(ALICE, f"old fact {n}") for n in range(3)]
    ids = iter(["fresh-id", old[2].id])  # the second new memory collides with a kept one
    monkeypatch.setattr(memory_statements, "new_record_id", lambda: next(ids))
    with pytest.raises(DuplicateError):
        await backend.memory.replace(
            ALICE, [old[0].id, old[1].id], [NewMemory(content="new 1"), NewMemory(content="new 2")]
        )
    assert await backend.memory.list_all(ALICE) == old


async def test_replace_returns_what_it_stored_in_order_deduplicated(
    backend: SqlAlchemyPersistence,
) -> None:
    kept = await backend.memory.remember(ALICE, "kept")
    gone = await backend.memory.remember(ALICE, "gone")
    bobs = await backend.memory.remember(MemoryScope(agent_id="helper", user_id="bob"), "Bob's")
    added = await backend.memory.replace(
        ALICE,
        [gone.id, bobs.id, "no-such-id"],
        [
            NewMemory(content="summary", source=MemorySource.COMPACTED, importance=0.9),
            NewMemory(content="kept"),
            NewMemory(content="summary"),
            NewMemory(content="gone"),
        ],
    )
    assert [r.content for r in added] == ["summary", "kept", "summary", "gone"]
    assert added[1] == kept
    assert added[2] == added[0]
    assert added[0].source is MemorySource.COMPACTED
    assert added[3].id != gone.id  # deleted first, then stored anew
    assert await backend.memory.list_all(ALICE) == [kept, added[0], added[3]]
    assert await backend.memory.list_all(bobs.scope) == [bobs]


async def test_recall_ranks_as_every_backend_does_on_many_memories(
    backend: SqlAlchemyPersistence,
) -> None:
    from agent_gateway_core.memory.relevance import rank_by_relevance

    words = ["tea", "coffee", "deploy", "friday", "lisbon", "office"]
    saved: list[MemoryRecord] = []
    for n in range(60):
        content = f"note {n} " + " ".join(words[(n + k) % len(words)] for k in range(n % 4))
        saved.append(await backend.memory.remember(AGENT, content))
    for query, limit in [("tea office", 10), ("deploy friday lisbon", 7), ("", 5), ("x", 3)]:
        recalled = await backend.memory.recall(AGENT, query, limit)
        assert recalled == rank_by_relevance(saved, query, limit)
    assert await backend.memory.recall(AGENT, "tea", 0) == []


async def test_unreachable_postgres_raises_backend_unavailable() -> None:
    backend = SqlAlchemyPersistence(UNREACHABLE, connect_timeout_seconds=1.0)
    try:
        with pytest.raises(BackendUnavailableError, match=r"127\.0\.0\.1:1"):
            await backend.memory.remember(AGENT, "anything")
        with pytest.raises(BackendUnavailableError, match=r"127\.0\.0\.1:1"):
            await backend.memory.recall(AGENT, "anything")
    finally:
        await backend.aclose()


async def test_a_missing_sqlite_table_raises_backend_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    await upgrade(f"sqlite+aiosqlite:///{path}", revision="0005")
    # Started without its schema check, as a process would that skipped initialize().
    backend = SqlAlchemyPersistence(f"sqlite+aiosqlite:///{path}")
    try:
        with pytest.raises(BackendUnavailableError, match="memories"):
            await backend.memory.list_all(AGENT)
    finally:
        await backend.aclose()


# Two processes on one database.


async def test_concurrent_saves_of_one_content_from_two_processes_keep_one_record(
    two_backends: tuple[SqlAlchemyPersistence, SqlAlchemyPersistence],
) -> None:
    managers = [backend.memory for backend in two_backends] * 10
    saved = await asyncio.gather(
        *(manager.remember(ALICE, "the office is in Lisbon") for manager in managers)
    )
    assert len({record.id for record in saved}) == 1
    for manager in managers[:2]:
        assert await manager.list_all(ALICE) == [saved[0]]


async def test_concurrent_saves_of_many_contents_from_two_processes_keep_each_once(
    two_backends: tuple[SqlAlchemyPersistence, SqlAlchemyPersistence],
) -> None:
    first, second = (backend.memory for backend in two_backends)
    saves = [
        manager.remember(AGENT, f"fact {n % 10}") for n in range(40) for manager in (first, second)
    ]
    saved = await asyncio.gather(*saves)
    stored = await second.list_all(AGENT)
    assert sorted(r.content for r in stored) == sorted(f"fact {n}" for n in range(10))
    assert {r.id for r in saved} == {r.id for r in stored}


async def test_what_one_process_writes_the_other_reads(
    two_backends: tuple[SqlAlchemyPersistence, SqlAlchemyPersistence],
) -> None:
    first, second = (backend.memory for backend in two_backends)
    tea = await first.remember(ALICE, "Alice drinks green tea", {"from": "first"})
    office = await first.remember(AGENT, "the office is in Lisbon")
    assert await second.list_all(ALICE) == [tea]
    assert await second.recall(AGENT, "where is the office") == [office]
    assert await second.remember(ALICE, "Alice drinks green tea") == tea
    assert await second.scopes("helper") == [AGENT, ALICE]
    assert await second.forget(ALICE, tea.id) is True
    assert await first.list_all(ALICE) == []
    [summary] = await second.replace(AGENT, [office.id], [NewMemory(content="summary")])
    assert await first.list_all(AGENT) == [summary]
    assert await first.clear(AGENT) == 1
    assert await second.scopes("helper") == []


async def test_a_reader_in_another_process_never_sees_half_a_replace(
    two_backends: tuple[SqlAlchemyPersistence, SqlAlchemyPersistence],
) -> None:
    writer, reader = (backend.memory for backend in two_backends)
    before = [await writer.remember(AGENT, f"detail {n}") for n in range(8)]
    seen: list[list[str]] = []

    async def read_until_replaced() -> None:
        while True:
            contents = [r.content for r in await reader.list_all(AGENT)]
            seen.append(contents)
            if contents == ["summary a", "summary b"]:
                return
            await asyncio.sleep(0)

    readers = [asyncio.create_task(read_until_replaced()) for _ in range(3)]
    await asyncio.sleep(0.01)
    await writer.replace(
        AGENT,
        [r.id for r in before],
        [NewMemory(content="summary a"), NewMemory(content="summary b")],
    )
    await asyncio.wait_for(asyncio.gather(*readers), timeout=10)
    old = [r.content for r in before]
    assert all(contents in (old, ["summary a", "summary b"]) for contents in seen)
