"""ConnectionThread: a thread that owns one sqlite3 connection and runs the calls loops hand it."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

Work = Callable[[sqlite3.Connection], Any]
# A call: the loop waiting for it, its future there, and the work (None: close and stop).
_Call = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Work | None]
_Outcome = tuple[Callable[["asyncio.Future[Any]", Any], None], "asyncio.Future[Any]", Any]

# How long a finished call may wait for the ones queued behind it, so that they all go back
# to the loop together.
MAX_HOLD_SECONDS = 0.001


class ConnectionThread:
    """A daemon thread with a connection of its own, fed through a queue, in order.

    The thread opens the connection (``connect()``) at its first call, so the connection is
    only ever used where it was made; :meth:`close` closes it there and ends the thread.

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
        """Queue ``work(connection)``; the future resolves on the calling loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._calls.put((loop, future, work))
        return future

    async def close(self) -> None:
        """Finish the calls already queued, close the connection and end the thread."""
        loop = asyncio.get_running_loop()
        closed: asyncio.Future[None] = loop.create_future()
        self._calls.put((loop, closed, None))
        await closed  # if the wait is cancelled, the thread still ends once it gets there
        self._thread.join()  # it has handed back its last result: ending is immediate

    def _serve(self) -> None:
        calls = self._calls
        connection: sqlite3.Connection | None = None
        done: dict[asyncio.AbstractEventLoop, list[_Outcome]] = {}
        deadline = 0.0
        while True:
            if done and (calls.empty() or time.monotonic() >= deadline):
                _hand_back(done)
                done = {}
            loop, future, work = calls.get()
            if not done:
                deadline = time.monotonic() + MAX_HOLD_SECONDS
            try:
                if work is None:
                    if connection is not None:
                        connection.close()
                    outcome: _Outcome = (_resolve, future, None)
                else:
                    if connection is None:
                        connection = self._connect()
                    outcome = (_resolve, future, work(connection))
            except BaseException as exc:  # every failure belongs to its caller
                outcome = (_fail, future, exc)
            done.setdefault(loop, []).append(outcome)
            if work is None:
                _hand_back(done)
                return


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
