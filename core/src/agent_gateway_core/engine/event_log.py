"""Buffers an execution's events and appends them to the store in batches."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.executions import ExecutionStore

logger = logging.getLogger(__name__)


class EventLog:
    """Events are stamped when they happen and written on :meth:`flush`, one write per batch.

    A batch the store cannot take because it is unavailable is kept, not lost: it goes out
    with a later write (the next flush, or the final transition). That write may have landed
    with only its answer lost, so before the batch is sent again the stored log is read to
    find out, and no event is stored twice. ``last_seq`` is the seq of the last event stored
    before this log's first one (0 for an execution created without events), ``None`` when
    unknown: the check then looks for the batch at the end of the stored log.
    """

    __slots__ = ("_clock", "_execution_id", "_last_seq", "_pending", "_store", "_unsure")

    def __init__(
        self,
        store: ExecutionStore,
        execution_id: str,
        clock: Clock,
        *,
        last_seq: int | None = None,
        events: Sequence[NewEvent] = (),
    ) -> None:
        self._store = store
        self._execution_id = execution_id
        self._clock = clock
        self._last_seq = last_seq
        self._pending: list[NewEvent] = list(events)
        self._unsure: list[NewEvent] = []  # a batch whose write failed: stored or not, unknown

    def add(self, type: EventType, **data: Any) -> None:
        self._pending.append(NewEvent(type=type, at=self._clock.now(), data=data))

    async def flush(self) -> None:
        """Append the events not yet stored; while the store is unavailable they are kept."""
        try:
            batch = await self.take()
        except BackendUnavailableError:
            return  # still cannot tell whether the failed batch landed: keep waiting
        if not batch:
            return
        try:
            stored = await self._store.append_events(self._execution_id, batch)
        except BackendUnavailableError as exc:
            self._unsure = batch
            logger.warning(
                "%d event(s) of execution %s kept in memory until the store is back: %s",
                len(batch),
                self._execution_id,
                exc,
            )
            return
        self._last_seq = stored[-1].seq

    async def take(self) -> list[NewEvent]:
        """The events not yet stored, for a caller that writes them itself (the final
        transition): it hands them back with :meth:`put_back` if that write surely failed.

        Raises BackendUnavailableError, taking nothing, while a failed batch cannot be checked.
        """
        if self._unsure:
            await self._check_unsure()
        batch, self._pending = self._pending, []
        return batch

    def put_back(self, batch: Sequence[NewEvent]) -> None:
        """Return events :meth:`take` gave out and that were not stored; they go out first."""
        self._pending[:0] = batch

    async def _check_unsure(self) -> None:
        """Find out whether the batch whose write failed was stored; keep it pending if not."""
        batch = self._unsure
        after = self._last_seq or 0
        stored = await self._store.list_events(self._execution_id, after)
        types = [event.type for event in batch]
        if self._last_seq is not None:
            # It would be right after the last event known: nothing else writes to a run.
            landed = [event.type for event in stored[: len(batch)]] == types
            ours = stored[: len(batch)]
        else:
            landed = [event.type for event in stored[-len(batch) :]] == types
            ours = stored
        self._unsure = []
        if landed:
            self._last_seq = ours[-1].seq
            logger.info(
                "events of execution %s had been stored (the answer was lost)", self._execution_id
            )
            return
        if self._last_seq is None:
            self._last_seq = stored[-1].seq if stored else 0
        self._pending[:0] = batch
