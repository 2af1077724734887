"""In-memory ExecutionStore."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from agent_gateway_core.domain.events import ExecutionEvent, NewEvent
from agent_gateway_core.domain.execution import (
    ExecutionRecord,
    ExecutionStatus,
    can_transition,
)
from agent_gateway_core.errors import (
    DuplicateError,
    ExecutionNotFoundError,
    InvalidTransitionError,
)
from agent_gateway_core.in_memory.health import BackendHealth
from agent_gateway_core.in_memory.stores.paging import paginate
from agent_gateway_core.ports.persistence.executions import (
    ExecutionQuery,
    ExecutionStore,
    ExecutionUpdate,
)
from agent_gateway_core.ports.persistence.paging import Page


class InMemoryExecutionStore(ExecutionStore):
    """Execution records and event logs in dicts; one lock serialises every write."""

    def __init__(self, health: BackendHealth | None = None) -> None:
        self._health = health or BackendHealth("in-memory execution store")
        self._lock = asyncio.Lock()
        self._records: dict[str, ExecutionRecord] = {}
        self._events: dict[str, list[ExecutionEvent]] = {}

    async def create(self, record: ExecutionRecord, events: Sequence[NewEvent] = ()) -> None:
        async with self._lock:
            exists = record.id in self._records
            await self._health.round_trip()
            if exists:
                raise DuplicateError(f"execution already exists: {record.id!r}")
            self._records[record.id] = record.model_copy(deep=True)
            self._events[record.id] = []
            self._append(record.id, events)

    async def get(self, execution_id: str) -> ExecutionRecord | None:
        await self._health.round_trip()
        record = self._records.get(execution_id)
        return record.model_copy(deep=True) if record else None

    async def transition(
        self, execution_id: str, update: ExecutionUpdate, events: Sequence[NewEvent] = ()
    ) -> ExecutionRecord:
        async with self._lock:
            current = self._records.get(execution_id)
            await self._health.round_trip()
            if current is None:
                raise ExecutionNotFoundError(execution_id)
            if not can_transition(current.status, update.status) or (
                update.only_from is not None and current.status is not update.only_from
            ):
                raise InvalidTransitionError(
                    f"execution {execution_id!r} cannot go from {current.status.value!r} "
                    f"to {update.status.value!r}"
                )
            updated = current.model_copy(update=_changes(update), deep=True)
            self._records[execution_id] = updated
            self._append(execution_id, events)
            return updated.model_copy(deep=True)

    async def query(self, query: ExecutionQuery) -> Page[ExecutionRecord]:
        await self._health.round_trip()
        matches = [r for r in self._records.values() if _matches(r, query)]
        matches.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return paginate(matches, query.limit, query.offset)

    async def append_events(
        self, execution_id: str, events: list[NewEvent]
    ) -> list[ExecutionEvent]:
        async with self._lock:
            exists = execution_id in self._events
            await self._health.round_trip()
            if not exists:
                raise ExecutionNotFoundError(execution_id)
            stored = self._append(execution_id, events)
            return [event.model_copy(deep=True) for event in stored]

    def _append(self, execution_id: str, events: Sequence[NewEvent]) -> list[ExecutionEvent]:
        log = self._events[execution_id]
        stored = [
            ExecutionEvent(
                execution_id=execution_id,
                seq=len(log) + offset,
                type=event.type,
                at=event.at,
                data=event.data,
            ).model_copy(deep=True)
            for offset, event in enumerate(events, start=1)
        ]
        log.extend(stored)
        return stored

    async def list_events(self, execution_id: str, after_seq: int = 0) -> list[ExecutionEvent]:
        await self._health.round_trip()
        log = self._events.get(execution_id, [])
        return [event.model_copy(deep=True) for event in log if event.seq > after_seq]

    # ---------------------------------------------------------------- for the instance store

    async def select(self, accept: Callable[[ExecutionRecord], bool]) -> list[ExecutionRecord]:
        """Copies of the records ``accept`` takes, in no particular order."""
        await self._health.round_trip()
        return [r.model_copy(deep=True) for r in self._records.values() if accept(r)]

    async def change_if(
        self,
        execution_id: str,
        accept: Callable[[ExecutionRecord], bool],
        changes: dict[str, Any],
        events: Sequence[NewEvent],
    ) -> ExecutionRecord | None:
        """Apply ``changes`` and append ``events`` in one step if ``accept(record)``; the new
        record, or ``None`` when refused. ExecutionNotFoundError for an unknown id."""
        async with self._lock:
            current = self._records.get(execution_id)
            await self._health.round_trip()
            if current is None:
                raise ExecutionNotFoundError(execution_id)
            if not accept(current):
                return None
            updated = current.model_copy(update=changes, deep=True)
            self._records[execution_id] = updated
            self._append(execution_id, events)
            return updated.model_copy(deep=True)


def _changes(update: ExecutionUpdate) -> dict[str, Any]:
    changes: dict[str, Any] = {"status": update.status}
    if update.status is ExecutionStatus.RUNNING:
        changes["started_at"] = update.at
    if update.status.is_terminal:
        changes["finished_at"] = update.at
    optional = {
        "result": update.result,
        "raw_text": update.raw_text,
        "stop_reason": update.stop_reason,
        "error": update.error,
        "usage": update.usage,
        "owner": update.owner,
    }
    changes.update({name: value for name, value in optional.items() if value is not None})
    return changes


def _matches(record: ExecutionRecord, query: ExecutionQuery) -> bool:
    return (
        (query.agent_id is None or record.agent_id == query.agent_id)
        and (query.status is None or record.status is query.status)
        and (query.user_id is None or record.user_id == query.user_id)
        and (query.session_id is None or record.session_id == query.session_id)
        and (query.tracking is None or record.tracking == query.tracking)
        and (query.since is None or record.created_at >= query.since)
    )
