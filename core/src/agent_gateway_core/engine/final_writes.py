"""Final writes: how an execution ended, kept in memory and retried until the store takes it."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from agent_gateway_core.domain.execution import ExecutionResult, ExecutionStatus
from agent_gateway_core.engine.event_log import EventLog
from agent_gateway_core.errors import (
    BackendUnavailableError,
    FinalWritePendingError,
    InvalidTransitionError,
)
from agent_gateway_core.llm.backoff import Backoff
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.executions import ExecutionStore, ExecutionUpdate

logger = logging.getLogger(__name__)

# 0.1 s, doubling to 5 s, with jitter (see Backoff.delay).
RETRY_BACKOFF = Backoff(base_seconds=0.1, max_seconds=5.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class FinalWrite:
    """The terminal transition of one execution with its last events, the terminal one last.

    ``update.only_from`` names the status the execution ends from (required: it is what makes
    a retry safe). ``owner``, when set, is the gateway instance that ran it: a retry that finds
    another owner on the record (it was taken over meanwhile) drops the write. ``result``,
    when the execution ran, goes to the caller told that the write is pending.
    """

    execution_id: str
    update: ExecutionUpdate
    events: EventLog
    owner: str | None = None
    result: ExecutionResult | None = None

    def __post_init__(self) -> None:
        if self.update.only_from is None or not self.update.status.is_terminal:
            raise ValueError("a final write is a terminal status with only_from set")


class FinalWrites:
    """Stores the ends of executions so that an outage of the store delays them, loses none.

    - :meth:`write` tries at once. When the store is unavailable (BackendUnavailableError)
      the write is kept in memory and retried by a background task, with ``backoff``, until
      the store takes it or :meth:`aclose`; the caller gets FinalWritePendingError.
    - Nothing is written twice. A retry reads the record first: when it is no longer in
      ``update.only_from`` (or has another owner) the earlier attempt landed (only its answer
      was lost) or something else ended or took it over, and the write is done; ``only_from``
      guards the moment in between (an InvalidTransitionError then means done too). A missing
      record means done as well.
    - Retries go oldest first and a pass stops at the first failure, so a store that is down
      sees one attempt per backoff step, not one per pending write.
    - :meth:`aclose` retries what is pending for a bounded time, then logs every execution
      whose end it could not store (it stays non-terminal in the store).
    """

    def __init__(
        self, store: ExecutionStore, clock: Clock, *, backoff: Backoff = RETRY_BACKOFF
    ) -> None:
        self._store = store
        self._clock = clock
        self._backoff = backoff
        self._pending: list[FinalWrite] = []
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def pending(self) -> list[str]:
        """Ids of the executions whose end waits for the store, oldest first."""
        return [write.execution_id for write in self._pending]

    async def write(self, write: FinalWrite) -> None:
        """Store ``write`` now, or keep it for the background and raise FinalWritePendingError.

        Other store errors (say, InvalidTransitionError: the execution already ended) raise
        as they are."""
        try:
            await self._apply(write)
        except asyncio.CancelledError as exc:
            # Landed or not, nobody can tell: the retry finds out.
            self.keep(write, exc)
            raise
        except BackendUnavailableError as exc:
            if not self.keep(write, exc):
                raise
            raise FinalWritePendingError(
                write.execution_id, write.update.status, exc, result=write.result
            ) from exc

    def keep(self, write: FinalWrite, cause: BaseException) -> bool:
        """Hold ``write``, which the store just failed, for the background retries; ``False``
        once closed (the write is then lost, and logged as such)."""
        if self._closed:
            logger.error(
                "the end of execution %s (%s) is lost: the store is unavailable (%s) and the "
                "runtime is closed",
                write.execution_id,
                write.update.status.value,
                _describe(cause),
            )
            return False
        self._pending.append(write)
        logger.warning(
            "the end of execution %s (%s) is kept in memory and retried until the store is "
            "back: %s",
            write.execution_id,
            write.update.status.value,
            _describe(cause),
        )
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._retry_until_done(), name="final-writes")
        return True

    async def aclose(self, drain_seconds: float) -> None:
        """Stop the background retries; try what is pending for up to ``drain_seconds`` (at
        once, then with backoff) and log each execution whose end is still not stored."""
        self._closed = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if not self._pending:
            return
        try:
            async with asyncio.timeout(drain_seconds):
                await self._retry_until_done(at_once=True)
        except TimeoutError:
            pass
        for write in self._pending:
            logger.error(
                "the end of execution %s (%s) was not stored before shutdown (the store stayed "
                "unavailable for %g s): it stays %s in the store",
                write.execution_id,
                write.update.status.value,
                drain_seconds,
                write.update.only_from.value if write.update.only_from else "unfinished",
            )

    # ---------------------------------------------------------------- internals

    async def _apply(self, write: FinalWrite) -> None:
        batch = await write.events.take()
        try:
            await self._store.transition(write.execution_id, write.update, batch)
        except BaseException:
            # Kept for a retry (cancelled or the store away), which reads the record before
            # writing again: safe even if the transition landed and only its answer was lost.
            write.events.put_back(batch)
            raise

    async def _retry_until_done(self, *, at_once: bool = False) -> None:
        failures = 0
        if at_once:
            await self._retry_pass()
        while self._pending:
            await self._clock.sleep(self._backoff.delay(failures))
            failures = 0 if await self._retry_pass() else failures + 1

    async def _retry_pass(self) -> bool:
        """Retry the pending writes oldest first until one fails; whether any was done."""
        done_any = False
        while self._pending:
            write = self._pending[0]
            try:
                await self._retry(write)
            except BackendUnavailableError:
                return done_any
            except Exception:
                logger.exception("the end of execution %s cannot be stored", write.execution_id)
            self._pending.pop(0)
            done_any = True
        return done_any

    async def _retry(self, write: FinalWrite) -> None:
        execution_id, update = write.execution_id, write.update
        record = await self._store.get(execution_id)
        if record is None:
            logger.warning("execution %s is not in the store: its end is dropped", execution_id)
            return
        if record.status is not update.only_from:
            _log_already_ended(execution_id, record.status, update.status)
            return
        if write.owner is not None and record.owner != write.owner:
            logger.warning(
                "execution %s was taken over by %s meanwhile, so its end as %s is dropped",
                execution_id,
                record.owner,
                update.status.value,
            )
            return
        try:
            await self._apply(write)
        except InvalidTransitionError:
            return  # it moved on between the read and the write: someone else ended it
        logger.info("the end of execution %s (%s) is stored", execution_id, update.status.value)


def _log_already_ended(
    execution_id: str, current: ExecutionStatus, intended: ExecutionStatus
) -> None:
    if current is intended:
        logger.info("the end of execution %s had been stored (the answer was lost)", execution_id)
    else:
        logger.warning(
            "execution %s is %s, so its end as %s is dropped",
            execution_id,
            current.value,
            intended.value,
        )


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__
