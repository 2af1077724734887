"""Cooperative cancellation of executions running in this process."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from agent_gateway_core.errors import (
    ExecutionCancelledError,
    ExecutionError,
    ExecutionHandedBackError,
)

T = TypeVar("T")


class CancellationToken:
    """Signals that an execution should stop: cancelled, or handed back.

    The engine checks :attr:`cancelled` between steps and runs each model or tool call through
    :meth:`run`, so a stop also interrupts the call in flight instead of waiting for it. A
    cancel stops the run with ExecutionCancelledError (it ends ``cancelled``); a hand-back
    (:meth:`hand_back`) with ExecutionHandedBackError (it does not end: it runs again
    elsewhere). A cancel wins over a hand-back, whichever came first.
    """

    __slots__ = ("_event", "_handing_back", "_inflight", "execution_id")

    def __init__(self, execution_id: str) -> None:
        self.execution_id = execution_id
        self._event = asyncio.Event()
        self._handing_back = False
        self._inflight: set[asyncio.Task[Any]] = set()

    @property
    def cancelled(self) -> bool:
        """Asked to stop, for either reason."""
        return self._event.is_set()

    @property
    def handing_back(self) -> bool:
        """Asked to stop by :meth:`hand_back`, and not cancelled since."""
        return self._handing_back

    def cancel(self) -> None:
        """Request cancellation and interrupt the call in flight, if any."""
        self._handing_back = False
        self._stop()

    def hand_back(self) -> None:
        """Ask the run to stop without ending, so that the execution runs again on another
        worker (its own is shutting down), and interrupt the call in flight. Nothing once
        cancelled."""
        if self._event.is_set():
            return
        self._handing_back = True
        self._stop()

    def _stop(self) -> None:
        self._event.set()
        for task in tuple(self._inflight):
            task.cancel()

    async def wait(self) -> None:
        await self._event.wait()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise self._error()

    def _error(self) -> ExecutionError:
        if self._handing_back:
            return ExecutionHandedBackError(
                "the run stopped to be handed back: its worker is shutting down", self.execution_id
            )
        return ExecutionCancelledError("execution was cancelled", self.execution_id)

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` unless the token fires first; then raise ExecutionCancelledError
        (ExecutionHandedBackError for a hand-back).

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
    :meth:`cancel_when_started`, or handed back ahead with :meth:`hand_back_when_started`:
    its token is signalled the moment it is added.
    """

    def __init__(self) -> None:
        self._tokens: dict[str, CancellationToken] = {}
        self._ahead: set[str] = set()
        self._hand_back_ahead: set[str] = set()

    def add(self, token: CancellationToken) -> None:
        self._tokens[token.execution_id] = token
        if token.execution_id in self._hand_back_ahead:
            token.hand_back()
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

    def hand_back_when_started(self, execution_id: str) -> None:
        """Ask the execution to stop and be handed back (see :meth:`CancellationToken.hand_back`)
        now if it runs here, else as soon as it starts, until :meth:`forget`."""
        self._hand_back_ahead.add(execution_id)
        token = self._tokens.get(execution_id)
        if token is not None:
            token.hand_back()

    def forget(self, execution_id: str) -> None:
        """Drop a cancellation or hand-back made ahead (the execution ended, or will not run
        here)."""
        self._ahead.discard(execution_id)
        self._hand_back_ahead.discard(execution_id)

    def __contains__(self, execution_id: object) -> bool:
        return execution_id in self._tokens
