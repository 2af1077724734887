"""The SQLite path: every statement on the backend's own thread, which aclose() stops and
cancelled callers or closed loops do not disturb; writers that never meet "database is
locked"; paths that cannot hold a database; durability options."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.errors import BackendUnavailableError, ExecutionNotFoundError
from agent_gateway_core.ports.persistence import ExecutionQuery, ExecutionUpdate
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_sqlalchemy.sqlite.thread import ConnectionThread
from agent_gateway_testing.contracts.persistence.records import at, execution

from .conftest import SqliteTrace
from .test_sqlite import run_one

pytestmark = pytest.mark.integration

THREAD_NAME = "agent-gateway-sqlite"


def database_threads() -> dict[int, threading.Thread]:
    return {
        thread.ident: thread
        for thread in threading.enumerate()
        if thread.ident is not None and thread.name.startswith(THREAD_NAME)
    }


@pytest.fixture(params=["file", "memory"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/gateway.db" if request.param == "file" else "sqlite:///:memory:"


async def test_every_statement_runs_on_one_thread_that_aclose_stops(
    url: str, sqlite_trace: SqliteTrace
) -> None:
    before = database_threads()
    backend = SqlAlchemyPersistence(url, migrate="upgrade")
    try:
        await backend.initialize()
        await asyncio.gather(*(run_one(backend, n) for n in range(16)))
        await asyncio.gather(
            backend.executions.query(ExecutionQuery()),
            backend.ping(),
            *(backend.executions.get(f"missing-{n}") for n in range(8)),
        )
        threads = {statement.thread for statement in sqlite_trace.take()}
        assert len(threads) == 1  # migrations, writes and reads alike
        (thread,) = threads
        assert thread != threading.get_ident()  # never on the event loop
        assert thread in database_threads()  # the backend's own, named thread
        assert thread not in before
    finally:
        await backend.aclose()
    assert thread not in database_threads()
    await backend.aclose()  # twice is harmless


async def test_the_next_use_after_aclose_starts_a_new_thread(tmp_path: Path) -> None:
    backend = SqlAlchemyPersistence(f"sqlite:///{tmp_path}/gateway.db", migrate="upgrade")
    record = execution()
    before = set(database_threads().values())
    async with backend:
        await backend.executions.create(record)
        first = set(database_threads().values()) - before
    async with backend:  # a gateway restarted with the same backend object
        assert await backend.executions.get(record.id) == record
        second = set(database_threads().values()) - before
    assert len(first) == len(second) == 1
    assert first != second
    assert not (first | second) & set(threading.enumerate())


async def test_two_backends_on_one_file_never_see_database_is_locked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/shared.db"
    async with (
        SqlAlchemyPersistence(url, migrate="upgrade") as one,
        SqlAlchemyPersistence(url, migrate="upgrade") as other,
    ):
        await asyncio.gather(
            *(run_one(one, n) for n in range(16)), *(run_one(other, n) for n in range(16))
        )
        page = await one.executions.query(ExecutionQuery(status=ExecutionStatus.SUCCEEDED))
        assert page.total == 32


async def test_a_failed_transaction_is_rolled_back_and_releases_the_write_lock(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gateway.db"
    async with SqlAlchemyPersistence(f"sqlite:///{path}", migrate="upgrade") as backend:
        with pytest.raises(ExecutionNotFoundError):
            await backend.executions.append_events(
                "missing", [NewEvent(type=EventType.STARTED, at=at(1))]
            )
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the backend still held the lock
            other.execute("ROLLBACK")
        finally:
            other.close()
        record = execution()
        await backend.executions.create(record)
        assert await backend.executions.get(record.id) == record


def unusable_paths(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Paths that cannot hold a database, and what SQLite or the OS says about each."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database file at all" * 100)
    return {
        "parent is a file": (blocker / "gateway.db", "FileExistsError"),
        "path is a folder": (folder, "unable to open database file"),
        "not a database": (garbage, "file is not a database"),
    }


@pytest.mark.parametrize("case", ["parent is a file", "path is a folder", "not a database"])
async def test_a_path_that_cannot_hold_a_database_is_backend_unavailable_naming_it(
    tmp_path: Path, case: str
) -> None:
    path, cause = unusable_paths(tmp_path)[case]
    backend = SqlAlchemyPersistence(f"sqlite:///{path}", migrate="upgrade")
    try:
        with pytest.raises(BackendUnavailableError) as raised:
            await backend.initialize()
        with pytest.raises(BackendUnavailableError, match=cause):
            await backend.executions.get("any")
    finally:
        await backend.aclose()
    assert str(path) in str(raised.value)
    assert cause in str(raised.value)


async def test_writes_to_a_read_only_database_are_backend_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "gateway.db"
    async with SqlAlchemyPersistence(f"sqlite:///{path}", migrate="upgrade"):
        pass
    # Read-only as SQLite sees it (file modes do not stop root, who may run these tests).
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    async with SqlAlchemyPersistence(url) as backend:
        assert await backend.executions.get("any") is None
        with pytest.raises(BackendUnavailableError, match="readonly database") as raised:
            await backend.executions.create(execution())
    assert str(path) in str(raised.value)
    assert not (Path.cwd() / "file:").exists()  # a URI names a file; it is no folder to make


@pytest.mark.parametrize(("option", "pragma"), [("normal", "NORMAL"), ("full", "FULL")])
async def test_sqlite_synchronous_sets_the_pragma(
    tmp_path: Path, sqlite_trace: SqliteTrace, option: str, pragma: str
) -> None:
    settings = {"backend": "sqlite", "path": str(tmp_path / "gateway.db")}
    backend = SqlAlchemyPersistence.from_settings(settings | {"sqlite_synchronous": option})
    async with backend:
        await backend.executions.create(execution())
    statements = [statement.sql for statement in sqlite_trace.take()]
    assert f"PRAGMA synchronous={pragma}" in statements
    assert "PRAGMA journal_mode=WAL" in statements
    assert "PRAGMA foreign_keys=ON" in statements


async def test_the_backend_needs_no_async_sqlite_driver(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "aiosqlite", None)  # makes `import aiosqlite` fail
    async with SqlAlchemyPersistence(f"sqlite:///{tmp_path}/gateway.db") as backend:
        record = execution()
        await backend.executions.create(record)
        running = await backend.executions.transition(
            record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1))
        )
        assert running.started_at == at(1)


async def test_a_caller_cancelled_while_its_call_runs_leaves_the_thread_serving(
    tmp_path: Path,
) -> None:
    async with SqlAlchemyPersistence(f"sqlite:///{tmp_path}/gateway.db") as backend:
        records = [execution() for _ in range(20)]
        tasks = [asyncio.create_task(backend.executions.create(r)) for r in records]
        await asyncio.sleep(0)  # every call is queued
        tasks[5].cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert isinstance(results[5], asyncio.CancelledError)
        assert [r for n, r in enumerate(results) if n != 5] == [None] * 19
        page = await backend.executions.query(ExecutionQuery(limit=100))
        # The cancelled caller stopped waiting; its insert ran all the same.
        assert {r.id for r in page.items} == {r.id for r in records}


def test_a_result_for_a_loop_that_has_closed_is_dropped_and_the_thread_serves_on() -> None:
    thread = ConnectionThread("test-connection-thread", lambda: sqlite3.connect(":memory:"))
    release = threading.Event()

    async def submit_and_leave() -> None:
        thread.submit(lambda _connection: release.wait(5))  # nobody awaits this one

    gone = asyncio.new_event_loop()
    gone.run_until_complete(submit_and_leave())
    gone.close()
    release.set()  # the call finishes now, for a loop that is closed

    async def use_again() -> int:
        (value,) = await thread.submit(lambda c: c.execute("SELECT 41 + 1").fetchone())
        await thread.close()
        return int(value)

    assert asyncio.run(use_again()) == 42


# ---------------------------------------------------------------------- group commit


class _Tracked:
    """A file database whose connection records the statements it runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.statements: list[str] = []

    def connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=True)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("CREATE TABLE IF NOT EXISTS parent (id INTEGER PRIMARY KEY)")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, parent INTEGER "
            "REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
        )
        connection.execute("INSERT OR IGNORE INTO parent (id) VALUES (1)")
        connection.set_trace_callback(self.statements.append)
        return connection

    def committed(self) -> list[int]:
        """Item ids as another connection sees them: only what was committed."""
        with contextlib.closing(sqlite3.connect(self.path)) as reader:
            return [row[0] for row in reader.execute("SELECT id FROM item ORDER BY id")]


def _insert(item: int, parent: int = 1) -> Callable[[sqlite3.Connection], int]:
    def write(connection: sqlite3.Connection) -> int:
        connection.execute("INSERT INTO item (id, parent) VALUES (?, ?)", (item, parent))
        return item

    return write


async def _queued_behind_a_blocker(
    thread: ConnectionThread, writes: list[Callable[[sqlite3.Connection], int]]
) -> list[int | BaseException]:
    """Run ``writes`` so that they are all queued before the thread comes to them."""
    release = threading.Event()
    blocker = thread.submit(lambda _connection: release.wait(5))
    futures = [thread.write(write) for write in writes]
    release.set()
    await blocker
    return list(await asyncio.gather(*futures, return_exceptions=True))


async def test_queued_writes_share_one_commit(tmp_path: Path) -> None:
    db = _Tracked(tmp_path / "group.db")
    thread = ConnectionThread("test-group-commit", db.connect)
    try:
        results = await _queued_behind_a_blocker(thread, [_insert(n) for n in range(1, 11)])
    finally:
        await thread.close()
    assert results == list(range(1, 11))
    assert db.committed() == list(range(1, 11))
    assert db.statements.count("BEGIN IMMEDIATE") == 1
    assert db.statements.count("COMMIT") == 1


async def test_a_failing_write_in_a_group_fails_alone_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    db = _Tracked(tmp_path / "group.db")
    thread = ConnectionThread("test-group-commit", db.connect)

    def half_then_fail(connection: sqlite3.Connection) -> int:
        connection.execute("INSERT INTO item (id, parent) VALUES (50, 1)")
        connection.execute("INSERT INTO item (id, parent) VALUES (1, 1)")  # duplicate key
        return 50

    try:
        results = await _queued_behind_a_blocker(thread, [_insert(1), half_then_fail, _insert(2)])
    finally:
        await thread.close()
    assert results[0] == 1
    assert isinstance(results[1], sqlite3.IntegrityError)
    assert results[2] == 2
    assert db.committed() == [1, 2]  # 50, written before the failure, was rolled back
    assert db.statements.count("COMMIT") == 1


async def test_a_lone_write_is_atomic(tmp_path: Path) -> None:
    db = _Tracked(tmp_path / "alone.db")
    thread = ConnectionThread("test-group-commit", db.connect)

    def two_then_fail(connection: sqlite3.Connection) -> None:
        connection.execute("INSERT INTO item (id, parent) VALUES (7, 1)")
        connection.execute("INSERT INTO item (id, parent) VALUES (8, 1)")
        raise ValueError("refused after two inserts")

    try:
        with pytest.raises(ValueError, match="after two inserts"):
            await thread.write(two_then_fail)
        assert await thread.write(_insert(9)) == 9
    finally:
        await thread.close()
    assert db.committed() == [9]
    assert "SAVEPOINT write" not in db.statements  # alone, the transaction is the savepoint


async def test_a_failed_commit_fails_every_write_of_its_group(tmp_path: Path) -> None:
    db = _Tracked(tmp_path / "group.db")
    thread = ConnectionThread("test-group-commit", db.connect)
    try:
        # Parent 99 does not exist: the deferred foreign key fails at COMMIT, not before.
        results = await _queued_behind_a_blocker(thread, [_insert(1), _insert(2, parent=99)])
        assert all(isinstance(r, sqlite3.IntegrityError) for r in results)
        assert await thread.write(_insert(3)) == 3  # the thread serves on, no transaction open
    finally:
        await thread.close()
    assert db.committed() == [3]


async def test_reads_queued_between_writes_see_them_in_order(tmp_path: Path) -> None:
    db = _Tracked(tmp_path / "order.db")
    thread = ConnectionThread("test-group-commit", db.connect)

    def count(connection: sqlite3.Connection) -> int:
        return int(connection.execute("SELECT count(*) FROM item").fetchone()[0])

    try:
        release = threading.Event()
        blocker = thread.submit(lambda _connection: release.wait(5))
        first = [thread.write(_insert(n)) for n in (1, 2)]
        between = thread.submit(count)
        second = [thread.write(_insert(n)) for n in (3, 4)]
        after = thread.submit(count)
        release.set()
        await blocker
        assert await asyncio.gather(*first, between, *second, after) == [1, 2, 2, 3, 4, 4]
    finally:
        await thread.close()
    assert db.statements.count("COMMIT") == 2  # the read ends the first group
