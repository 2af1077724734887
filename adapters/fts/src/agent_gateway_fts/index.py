"""The SQLite database holding the passages and their FTS5 index.

Tables: ``files`` (relative path → mtime and size when indexed), ``passages`` (the text
returned, by file) and ``passages_fts`` (an FTS5 table whose rowid is the passage id, with
the file path, the heading trail and the text as columns, ranked with bm25 weighting a
heading match above a body match). ``meta`` holds a fingerprint of what the rows were built
from (schema, folder, chunk size); a persistent index built from anything else is rebuilt.

One connection per index, shared by the worker threads of ``asyncio.to_thread`` and
therefore opened with ``check_same_thread=False`` and used only under ``self._lock``:
sqlite3 connections must not be used by two threads at once. Queries take milliseconds, and a
refresh holds the lock only to write rows prepared beforehand, in one transaction.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from agent_gateway_core.errors import BackendUnavailableError, ConfigError

SCHEMA_VERSION = 1
TOKENIZER = "porter unicode61 remove_diacritics 2"
# bm25 weights of the columns (path, headings, text): a word in a heading says more about
# what a passage is about than the same word in its text.
BM25_WEIGHTS = (2.0, 4.0, 1.0)
# How long a write waits for another process holding a persistent index.
BUSY_TIMEOUT_SECONDS = 10.0

_TABLES = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE files (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL)",
    "CREATE TABLE passages (id INTEGER PRIMARY KEY, path TEXT NOT NULL, passage TEXT NOT NULL)",
    "CREATE INDEX passages_by_path ON passages (path)",
    f"CREATE VIRTUAL TABLE passages_fts USING fts5(path, headings, text, tokenize = '{TOKENIZER}')",
)
_DROP = tuple(
    f"DROP TABLE IF EXISTS {table}" for table in ("passages_fts", "passages", "files", "meta")
)
_SEARCH = f"""
SELECT p.passage FROM passages_fts JOIN passages AS p ON p.id = passages_fts.rowid
WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts, {", ".join(map(str, BM25_WEIGHTS))}), p.id
LIMIT ?
"""


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What tells a changed file apart without reading it."""

    mtime_ns: int
    size: int


@dataclass(frozen=True, slots=True)
class Passage:
    """One row to index: the columns searched, and the text a query returns."""

    headings: str
    text: str
    passage: str


@dataclass(frozen=True, slots=True)
class IndexedFile:
    """A file as read: its stamp then, and its passages."""

    stamp: FileStamp
    passages: Sequence[Passage]


@cache
def fts5_available() -> bool:
    """Whether this Python's SQLite was built with FTS5 (checked once)."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(f"CREATE VIRTUAL TABLE probe USING fts5(text, tokenize = '{TOKENIZER}')")
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()
    return True


def require_fts5() -> None:
    """Raise ConfigError, saying what to do, when SQLite lacks FTS5."""
    if not fts5_available():
        raise ConfigError(
            f"this Python's SQLite ({sqlite3.sqlite_version}) has no FTS5, which "
            "MarkdownFolderRetriever needs: use a Python whose sqlite3 module was built "
            "with FTS5 (most are)"
        )


class FtsIndex:
    """Passages of a folder's files in SQLite FTS5; every method is safe from any thread."""

    def __init__(self, connection: sqlite3.Connection, where: str) -> None:
        self._connection = connection
        self._where = where
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path | None, built_from: str) -> FtsIndex:
        """The index at ``path`` (in memory when None), emptied when it was built by another
        schema or from anything but ``built_from``. Raises ConfigError when it cannot be
        opened."""
        where = "an in-memory index" if path is None else f"index file {str(path)!r}"
        require_fts5()
        built_from = f"schema={SCHEMA_VERSION};tokenize={TOKENIZER};{built_from}"
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                ":memory:" if path is None else path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE
                check_same_thread=False,
            )
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"cannot open the retriever's {where}: {exc}") from exc
        try:
            _prepare(connection, path is not None, built_from)
        except sqlite3.Error as exc:
            connection.close()
            raise ConfigError(f"cannot use the retriever's {where}: {exc}") from exc
        return cls(connection, where)

    def stamps(self) -> dict[str, FileStamp]:
        """The stamp of each indexed file, by relative path."""
        with self._guard("read"):
            rows = self._connection.execute("SELECT path, mtime_ns, size FROM files").fetchall()
        return {path: FileStamp(mtime_ns, size) for path, mtime_ns, size in rows}

    def update(self, removed: Iterable[str], indexed: Mapping[str, IndexedFile]) -> None:
        """Drop the files ``removed`` and (re)place those ``indexed``, in one transaction."""
        with self._guard("update"):
            db = self._connection
            with _transaction(db):
                for path in [*removed, *indexed]:
                    db.execute(
                        "DELETE FROM passages_fts WHERE rowid IN "
                        "(SELECT id FROM passages WHERE path = ?)",
                        (path,),
                    )
                    db.execute("DELETE FROM passages WHERE path = ?", (path,))
                    db.execute("DELETE FROM files WHERE path = ?", (path,))
                for path, file in indexed.items():
                    db.execute(
                        "INSERT INTO files (path, mtime_ns, size) VALUES (?, ?, ?)",
                        (path, file.stamp.mtime_ns, file.stamp.size),
                    )
                    for passage in file.passages:
                        row = db.execute(
                            "INSERT INTO passages (path, passage) VALUES (?, ?)",
                            (path, passage.passage),
                        )
                        db.execute(
                            "INSERT INTO passages_fts (rowid, path, headings, text) "
                            "VALUES (?, ?, ?, ?)",
                            (row.lastrowid, path, passage.headings, passage.text),
                        )

    def search(self, expression: str, limit: int) -> list[str]:
        """The passages matching the MATCH ``expression``, best first, at most ``limit``."""
        with self._guard("search"):
            rows = self._connection.execute(_SEARCH, (expression, limit)).fetchall()
        return [passage for (passage,) in rows]

    def count(self) -> int:
        """How many passages the index holds."""
        with self._guard("read"):
            (total,) = self._connection.execute("SELECT count(*) FROM passages").fetchone()
        return int(total)

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Hold the connection's lock; a SQLite error inside becomes BackendUnavailableError."""
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                raise BackendUnavailableError(
                    f"{action} of the retriever's {self._where} failed: {exc}"
                ) from exc


def _prepare(connection: sqlite3.Connection, persistent: bool, fingerprint: str) -> None:
    """Create the tables, or recreate them when built from anything but ``fingerprint``."""
    if persistent:
        # Readers in other processes never wait for a refresh, nor a refresh for them.
        _use_wal(connection)
        connection.execute("PRAGMA synchronous = NORMAL")
    with _transaction(connection):
        if _fingerprint(connection) == fingerprint:
            return
        for statement in (*_DROP, *_TABLES):
            connection.execute(statement)
        connection.execute(
            "INSERT INTO meta (key, value) VALUES ('fingerprint', ?)", (fingerprint,)
        )


def _use_wal(connection: sqlite3.Connection) -> None:
    # Switching the journal mode needs the file to itself, and SQLite reports another
    # connection opening it at that moment as busy without waiting the busy timeout: two
    # processes starting together on a new index file retry here.
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front: two processes refreshing one index file
    # queue behind each other instead of failing halfway with SQLITE_BUSY.
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if connection.in_transaction:  # SQLite may have rolled back already
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _fingerprint(connection: sqlite3.Connection) -> str | None:
    has_meta = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if not has_meta:
        return None
    row = connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    return None if row is None else str(row[0])
