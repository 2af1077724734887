"""Batches: many calls of the client run together, at most ``max_concurrency`` at a time.

::

    batch = client.create_batch(max_concurrency=4)
    for ticket in tickets:
        batch.add(client.agents.invoke, "triage", ticket.text, tag=ticket.id)
    async for tag, result in batch.execute():  # sync: for tag, result in batch.execute()
        ...

``AsyncBatch`` runs coroutine calls as asyncio tasks, ``Batch`` runs calls in a thread pool;
they are written by hand (a thread pool is not an unasynced event loop) with one API, which a
test compares. Both work the same way:

- ``add`` only records a call, with the context it is added in (so a tracking block around
  the ``add`` applies to the call); ``execute`` runs the calls, starting the next as soon as
  one ends, and yields ``(tag, result)`` in the order they end. A call added while the batch
  executes runs in it too. Each call is taken once: a batch executed again runs only the
  calls added since.
- The first call to raise stops the batch: the calls still running are cancelled (a thread
  cannot be interrupted: those finish, and no other starts) and the exception is raised.
  With ``return_exceptions=True`` it is yielded as the call's result instead.
- Leaving the loop early stops the batch the same way.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from agent_gateway_client._progress import ProgressBar, progress_bar, require_rich
from agent_gateway_client._types import AsyncBatchCall, BatchCall

DEFAULT_MAX_CONCURRENCY = 5


@dataclass(frozen=True, slots=True)
class _Call:
    tag: Any
    function: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    context: contextvars.Context = field(default_factory=contextvars.copy_context)


class _Calls:
    """What both batches share: the calls waiting, and the settings."""

    def __init__(self, max_concurrency: int, return_exceptions: bool, progress: bool) -> None:
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be 1 or more, got {max_concurrency}")
        if progress:
            require_rich()
        self.max_concurrency = max_concurrency
        self.return_exceptions = return_exceptions
        self.progress = progress
        self._waiting: deque[_Call] = deque()
        self._added = 0

    def _add(self, function: Any, args: tuple[Any, ...], tag: Any, kwargs: dict[str, Any]) -> None:
        if not callable(function):
            raise TypeError(f"a batch runs calls: {function!r} is not callable")
        self._waiting.append(_Call(self._added if tag is None else tag, function, args, kwargs))
        self._added += 1

    def __len__(self) -> int:
        """The calls waiting to run."""
        return len(self._waiting)

    def _count(self, bar: ProgressBar, counted: int | None = None) -> int:
        """Start ``bar`` with the calls waiting (``counted`` ``None``), or add to it those
        added since ``counted`` calls were; the calls added so far."""
        if counted is None:
            bar.start(len(self._waiting))
        else:
            bar.add(self._added - counted)
        return self._added

    def _failed(self, error: BaseException | None) -> bool:
        """Whether ``error`` ends the batch (else it is a result)."""
        if error is None:
            return False
        return not (self.return_exceptions and isinstance(error, Exception))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(waiting={len(self)}, max_concurrency={self.max_concurrency})"


class AsyncBatch(_Calls):
    """Calls of a :class:`GatewayClient` run together (``client.create_batch()``): at most
    ``max_concurrency`` at a time, results in the order the calls end; ``progress`` shows a
    rich progress bar on stderr (``agent-gateway-client[progress]``)."""

    def __init__(
        self,
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        return_exceptions: bool = False,
        progress: bool = False,
    ) -> None:
        super().__init__(max_concurrency, return_exceptions, progress)

    def add(self, function: AsyncBatchCall, /, *args: Any, tag: Any = None, **kwargs: Any) -> None:
        """Add the call ``function(*args, **kwargs)`` (any coroutine function, such as
        ``client.agents.invoke``); its result comes back with ``tag`` (by default its
        position among the calls added, from 0)."""
        self._add(function, args, tag, kwargs)

    async def execute(self) -> AsyncIterator[tuple[Any, Any]]:
        """Run the calls and yield ``(tag, result)`` as each ends (see the module)."""
        bar = progress_bar(self.progress)
        counted = self._count(bar)
        running: dict[asyncio.Task[Any], Any] = {}
        try:
            while True:
                self._start(running)
                if not running:
                    return
                done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                # Every outcome is read at once, so no error is left unread when one is raised.
                ended = [(running.pop(task), task.exception(), task) for task in done]
                self._start(running)  # the next calls run while the results are handled
                counted = self._count(bar, counted)
                for tag, error, task in ended:
                    bar.advance(failed=error is not None)
                    if self._failed(error):
                        assert error is not None
                        raise error
                    yield tag, error if error is not None else task.result()
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            bar.stop()

    def _start(self, running: dict[asyncio.Task[Any], Any]) -> None:
        while self._waiting and len(running) < self.max_concurrency:
            call = self._waiting.popleft()
            running[asyncio.create_task(_run(call), context=call.context)] = call.tag


async def _run(call: _Call) -> Any:
    return await call.function(*call.args, **call.kwargs)


class Batch(_Calls):
    """Calls of a :class:`GatewayClientSync` run together (``client.create_batch()``), in a
    pool of ``max_concurrency`` threads; results in the order the calls end; ``progress``
    shows a rich progress bar on stderr (``agent-gateway-client[progress]``)."""

    def __init__(
        self,
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        return_exceptions: bool = False,
        progress: bool = False,
    ) -> None:
        super().__init__(max_concurrency, return_exceptions, progress)

    def add(self, function: BatchCall, /, *args: Any, tag: Any = None, **kwargs: Any) -> None:
        """Add the call ``function(*args, **kwargs)`` (any function, such as
        ``client.agents.invoke``); its result comes back with ``tag`` (by default its
        position among the calls added, from 0)."""
        self._add(function, args, tag, kwargs)

    def execute(self) -> Iterator[tuple[Any, Any]]:
        """Run the calls and yield ``(tag, result)`` as each ends (see the module)."""
        bar = progress_bar(self.progress)
        counted = self._count(bar)
        running: dict[Future[Any], Any] = {}
        pool = ThreadPoolExecutor(self.max_concurrency, thread_name_prefix="gateway-batch")
        try:
            while True:
                self._start(pool, running)
                if not running:
                    return
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                ended = [(running.pop(future), future.exception(), future) for future in done]
                self._start(pool, running)
                counted = self._count(bar, counted)
                for tag, error, future in ended:
                    bar.advance(failed=error is not None)
                    if self._failed(error):
                        assert error is not None
                        raise error
                    yield tag, error if error is not None else future.result()
        finally:
            for future in running:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            bar.stop()

    def _start(self, pool: ThreadPoolExecutor, running: dict[Future[Any], Any]) -> None:
        while self._waiting and len(running) < self.max_concurrency:
            call = self._waiting.popleft()
            future = pool.submit(call.context.run, call.function, *call.args, **call.kwargs)
            running[future] = call.tag
