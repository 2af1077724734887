"""Cooperative cancellation of executions running in this process."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from agent_gateway_core.errors import ExecutionCancelledError

T = TypeVar("T")


class CancellationToken:
    """Signals that an execution should stop.

    The engine checks :attr:`cancelled` between steps and runs each model or tool call through
    :meth:`run`, so a cancel also interrupts the call in flight instead of waiting for it.
    """

    __slots__ = ("_event", "_inflight", "execution_id")

    def __init__(self, execution_id: str) -> None:
        self.execution_id = execution_id
        self._event = asyncio.Event()
        self._inflight: set[asyncio.Task[Any]] = set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        """Request cancellation and interrupt the call in flight, if any."""
        self._event.set()
        for task in tuple(self._inflight):
            task.cancel()

    async def wait(self) -> None:
        await self._event.wait()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise self._error()

    def _error(self) -> ExecutionCancelledError:
        return ExecutionCancelledError("execution was cancelled", self.execution_id)

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` unless the token fires first; then raise ExecutionCancelledError.

        Cancelling the calling task (a timeout, a shutdown) still propagates as CancelledError.
        """
        if self._event.is_set():
            coro.close()
            raise self._error()
        task = asyncio.ensure_future(coro)
        self._inflight.add(task)
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            outer_cancelled = current is not None and current.cancelling() > 0
            if self._event.is_set() and not outer_cancelled:
                raise self._error() from None
            raise
        finally:
            self._inflight.discard(task)


class CancellationRegistry:
    """In-flight executions of this process by id, so ``cancel(execution_id)`` can reach them.

    An execution this process has taken on but not started yet (a background job between
    its delivery and the engine's first step) can be cancelled ahead with
    :meth:`cancel_when_started`: its token is signalled the moment it is added.
    """

    def __init__(self) -> None:
        self._tokens: dict[str, CancellationToken] = {}
        self._ahead: set[str] = set()

    def add(self, token: CancellationToken) -> None:
        self._tokens[token.execution_id] = token
        if token.execution_id in self._ahead:
            token.cancel()

    def remove(self, token: CancellationToken) -> None:
        """Forget ``token``; a newer token registered under the same id is kept."""
        if self._tokens.get(token.execution_id) is token:
            del self._tokens[token.execution_id]

    def cancel(self, execution_id: str) -> bool:
        """Signal the execution; ``False`` when it is not running in this process."""
        token = self._tokens.get(execution_id)
        if token is None:
            return False
        token.cancel()
        return True

    def cancel_when_started(self, execution_id: str) -> None:
        """Signal the execution now if it runs here, else as soon as it starts, until
        :meth:`forget`."""
        self._ahead.add(execution_id)
        self.cancel(execution_id)

    def forget(self, execution_id: str) -> None:
        """Drop a cancellation made ahead (the execution ended, or will not run here)."""
        self._ahead.discard(execution_id)

    def __contains__(self, execution_id: object) -> bool:
        return execution_id in self._tokens
