"""ConnectionThread: a thread that owns one sqlite3 connection and runs the calls loops hand it."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")

Work = Callable[[sqlite3.Connection], Any]
_Outcome = tuple[Callable[["asyncio.Future[Any]", Any], None], "asyncio.Future[Any]", Any]

# How long a finished call may wait for the ones queued behind it, so that they all go back
# to the loop together.
MAX_HOLD_SECONDS = 0.001
# The most writes one commit takes: enough to halve a busy writer's cost per write, few
# enough that the first of them is not kept waiting for long.
MAX_GROUP = 64


class _Call(NamedTuple):
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    work: Work | None  # None: close the connection and stop
    atomic: bool  # a write: all its statements commit together, or none of them


class ConnectionThread:
    """A daemon thread with a connection of its own, fed through a queue, in order.

    The thread opens the connection (``connect()``) at its first call, so the connection is
    only ever used where it was made; :meth:`close` closes it there and ends the thread.

    **Writes are group-committed.** A write (:meth:`write`) is atomic: its statements commit
    together or not at all. The writes waiting in the queue when the thread comes to one run
    in one ``BEGIN IMMEDIATE`` transaction (at most ``MAX_GROUP``), each inside a savepoint
    of its own, so a write that fails rolls back alone and fails alone; one ``COMMIT`` then
    makes the whole group durable before any of their futures resolves. A busy writer so
    pays one commit (its WAL frames, its index pages) for many writes instead of one each;
    an idle one commits each write as it comes, adding no wait. If the ``COMMIT`` itself
    fails, every write of the group fails with that error.

    Leaner than ``loop.run_in_executor`` on a one-thread pool: no ``concurrent.futures``
    future, locks or chained callbacks per call. Under load the thread runs every call
    already queued before handing the results back in one ``call_soon_threadsafe`` per loop
    (holding none longer than ``MAX_HOLD_SECONDS``): the loop wakes once for many results,
    and the two threads do not fight over the GIL after each call. A daemon thread, so a
    backend never closed cannot hold the interpreter open (SQLite recovers from an
    interrupted write as from a crash).
    """

    def __init__(self, name: str, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._calls: queue.SimpleQueue[_Call] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def submit(self, work: Callable[[sqlite3.Connection], T]) -> asyncio.Future[T]:
        """Queue ``work(connection)`` on the autocommit connection (reads, or one statement
        that needs no transaction); the future resolves on the calling loop."""
        return self._queue(work, atomic=False)

    def write(self, work: Callable[[sqlite3.Connection], T]) -> asyncio.Future[T]:
        """Queue ``work(connection)`` as one atomic write, possibly committed together with
        other queued writes; the future resolves once it is committed (or has failed)."""
        return self._queue(work, atomic=True)

    async def close(self) -> None:
        """Finish the calls already queued, close the connection and end the thread."""
        loop = asyncio.get_running_loop()
        closed: asyncio.Future[None] = loop.create_future()
        self._calls.put(_Call(loop, closed, None, False))
        await closed  # if the wait is cancelled, the thread still ends once it gets there
        self._thread.join()  # it has handed back its last result: ending is immediate

    def _queue(self, work: Callable[[sqlite3.Connection], T], *, atomic: bool) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._calls.put(_Call(loop, future, work, atomic))
        return future

    def _serve(self) -> None:
        calls = self._calls
        connection: sqlite3.Connection | None = None
        done: dict[asyncio.AbstractEventLoop, list[_Outcome]] = {}
        deadline = 0.0
        held: _Call | None = None  # taken from the queue while gathering a group, not run yet
        while True:
            if done and ((held is None and calls.empty()) or time.monotonic() >= deadline):
                _hand_back(done)
                done = {}
            call, held = held or calls.get(), None
            if not done:
                deadline = time.monotonic() + MAX_HOLD_SECONDS
            if call.work is None:
                outcome: _Outcome = (_resolve, call.future, None)
                try:
                    if connection is not None:
                        connection.close()
                except BaseException as exc:
                    outcome = (_fail, call.future, exc)
                done.setdefault(call.loop, []).append(outcome)
                _hand_back(done)
                return
            group = [call]
            if call.atomic:
                while len(group) < MAX_GROUP:
                    try:
                        following = calls.get_nowait()
                    except queue.Empty:
                        break
                    if following.work is None or not following.atomic:
                        held = following
                        break
                    group.append(following)
            try:
                if connection is None:
                    connection = self._connect()
                outcomes = _commit(connection, group) if call.atomic else [_run(connection, call)]
            except BaseException as exc:  # the connection could not be opened
                outcomes = [(_fail, c.future, exc) for c in group]
            for each, outcome in zip(group, outcomes, strict=True):
                done.setdefault(each.loop, []).append(outcome)


def _run(connection: sqlite3.Connection, call: _Call) -> _Outcome:
    assert call.work is not None
    try:
        return (_resolve, call.future, call.work(connection))
    except BaseException as exc:  # every failure belongs to its caller
        return (_fail, call.future, exc)


def _commit(connection: sqlite3.Connection, group: list[_Call]) -> list[_Outcome]:
    """Run ``group``'s writes in one transaction, each in a savepoint, and commit once."""
    try:
        connection.execute("BEGIN IMMEDIATE")  # the write lock up front: no failure half-way
    except BaseException as exc:  # locked by another process past the busy timeout, ...
        return [(_fail, call.future, exc) for call in group]
    alone = len(group) == 1  # then the transaction is the savepoint
    outcomes: list[_Outcome] = []
    try:
        for call in group:
            assert call.work is not None
            if not alone:
                connection.execute("SAVEPOINT write")
            try:
                value = call.work(connection)
            except Exception as exc:
                if alone:
                    raise
                connection.execute("ROLLBACK TO write")  # this write only
                connection.execute("RELEASE write")
                outcomes.append((_fail, call.future, exc))
                continue
            if not alone:
                connection.execute("RELEASE write")
            outcomes.append((_resolve, call.future, value))
        connection.execute("COMMIT")
    except BaseException as exc:  # nothing of the group is committed
        with contextlib.suppress(sqlite3.Error):
            connection.rollback()  # also when COMMIT itself failed: leave no transaction open
        return [(_fail, call.future, exc) for call in group]
    return outcomes


def _hand_back(done: dict[asyncio.AbstractEventLoop, list[_Outcome]]) -> None:
    for loop, outcomes in done.items():
        with contextlib.suppress(RuntimeError):  # that loop is closed: nobody is waiting
            loop.call_soon_threadsafe(_settle, outcomes)


def _settle(outcomes: list[_Outcome]) -> None:
    for settle, future, value in outcomes:
        settle(future, value)


def _resolve(future: asyncio.Future[Any], result: Any) -> None:
    if not future.cancelled():
        future.set_result(result)


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.cancelled():
        future.set_exception(error)
