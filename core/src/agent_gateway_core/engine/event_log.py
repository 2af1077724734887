"""Buffers an execution's events and appends them to the store in batches."""

from __future__ import annotations

from typing import Any

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.executions import ExecutionStore


class EventLog:
    """Events are stamped when they happen and written on :meth:`flush`, one write per batch."""

    __slots__ = ("_clock", "_execution_id", "_pending", "_store")

    def __init__(self, store: ExecutionStore, execution_id: str, clock: Clock) -> None:
        self._store = store
        self._execution_id = execution_id
        self._clock = clock
        self._pending: list[NewEvent] = []

    def add(self, type: EventType, **data: Any) -> None:
        self._pending.append(NewEvent(type=type, at=self._clock.now(), data=data))

    async def flush(self) -> None:
        if self._pending:
            await self._store.append_events(self._execution_id, self.take())

    def take(self) -> list[NewEvent]:
        """The events not yet written, for a caller that writes them itself."""
        batch, self._pending = self._pending, []
        return batch
