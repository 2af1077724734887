"""ExecutionStore on SQLAlchemy: records, atomic transitions and gap-free event logs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, bindparam, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError

from agent_gateway_core.domain.events import ExecutionEvent, NewEvent
from agent_gateway_core.domain.execution import (
    ALLOWED_TRANSITIONS,
    ExecutionRecord,
    ExecutionStatus,
)
from agent_gateway_core.errors import (
    DuplicateError,
    ExecutionNotFoundError,
    InvalidTransitionError,
)
from agent_gateway_core.ports.persistence.executions import (
    ExecutionQuery,
    ExecutionStore,
    ExecutionUpdate,
)
from agent_gateway_core.ports.persistence.paging import Page
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.postgres.statements import fetch_page

if TYPE_CHECKING:  # the async engine loads SQLAlchemy's ORM: not for the SQLite path
    from sqlalchemy.ext.asyncio import AsyncConnection

# For each target status, the statuses it may be reached from.
TRANSITION_SOURCES: dict[ExecutionStatus, list[str]] = {
    target: [source.value for source, targets in ALLOWED_TRANSITIONS.items() if target in targets]
    for target in ExecutionStatus
}


class SqlAlchemyExecutionStore(ExecutionStore):
    """Executions and their events in two tables.

    A transition is one ``UPDATE ... WHERE status IN (allowed sources) RETURNING``, so of two
    concurrent transitions exactly one matches. Appending events is one ``UPDATE ...
    RETURNING last_event_seq`` that reserves the seq range (the row stays locked until
    commit, so concurrent appends queue), then one multi-row ``INSERT``; events that go with
    a transition have their range reserved by the transition's own update, in its transaction.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        runs = self._runs = database.tables.executions
        events = self._events = database.tables.execution_events
        self._get = select(runs).where(runs.id == bindparam("id"))
        self._status = select(runs.status).where(runs.id == bindparam("id"))
        self._insert = insert(runs)
        self._reserve_seqs = (
            sql_update(runs)
            .where(runs.id == bindparam("execution"))
            .values(last_event_seq=runs.last_event_seq + bindparam("count"))
            .returning(runs.last_event_seq)
        )
        self._insert_events = insert(events)
        self._list_events = (
            select(events)
            .where(events.execution_id == bindparam("id"), events.seq > bindparam("after"))
            .order_by(events.seq)
        )

    async def create(self, record: ExecutionRecord, events: Sequence[NewEvent] = ()) -> None:
        row = execution_row(record) | {"last_event_seq": len(events)}
        # One statement commits on its own; with events it takes a transaction.
        writing = self._db.transaction() if events else self._db.write()
        async with writing as connection:
            try:
                await connection.execute(self._insert, row)
            except IntegrityError as exc:
                raise DuplicateError(f"execution already exists: {record.id!r}") from exc
            await self.write_events(connection, record.id, len(events), events)

    async def get(self, execution_id: str) -> ExecutionRecord | None:
        async with self._db.read() as connection:
            row = (await connection.execute(self._get, {"id": execution_id})).first()
        return execution_record(row._asdict()) if row else None

    async def transition(
        self, execution_id: str, update: ExecutionUpdate, events: Sequence[NewEvent] = ()
    ) -> ExecutionRecord:
        runs = self._runs
        sources = TRANSITION_SOURCES[update.status]
        if update.only_from is not None:
            sources = [s for s in sources if s == update.only_from.value]
        if sources:
            changes = _changes(update)
            if events:  # the seq range of the events, reserved by the same update
                changes["last_event_seq"] = runs.last_event_seq + len(events)
            statement = (
                sql_update(runs)
                .where(runs.id == execution_id, runs.status.in_(sources))
                .values(changes)
                .returning(runs)
            )
            # One statement commits on its own; with events it takes a transaction.
            writing = self._db.transaction() if events else self._db.write()
            async with writing as connection:
                row = (await connection.execute(statement)).first()
                if row is not None and events:
                    await self.write_events(connection, execution_id, row.last_event_seq, events)
            if row is not None:
                return execution_record(row._asdict())
        async with self._db.read() as connection:
            current = await connection.scalar(self._status, {"id": execution_id})
        if current is None:
            raise ExecutionNotFoundError(execution_id)
        raise InvalidTransitionError(
            f"execution {execution_id!r} cannot go from {current!r} to {update.status.value!r}"
        )

    async def query(self, query: ExecutionQuery) -> Page[ExecutionRecord]:
        runs = self._runs
        conditions: list[ColumnElement[bool]] = []
        if query.agent_id is not None:
            conditions.append(runs.agent_id == query.agent_id)
        if query.status is not None:
            conditions.append(runs.status == query.status.value)
        if query.user_id is not None:
            conditions.append(runs.user_id == query.user_id)
        if query.session_id is not None:
            conditions.append(runs.session_id == query.session_id)
        if query.tracking is not None:
            conditions.append(runs.tracking == query.tracking)
        if query.since is not None:
            conditions.append(runs.created_at >= query.since)
        async with self._db.read() as connection:
            return await fetch_page(
                connection,
                select(runs).where(*conditions),
                order_by=[runs.created_at.desc(), runs.id.desc()],
                limit=query.limit,
                offset=query.offset,
                convert=execution_record,
            )

    async def append_events(
        self, execution_id: str, events: list[NewEvent]
    ) -> list[ExecutionEvent]:
        async with self._db.transaction() as connection:
            last_seq = (
                await connection.execute(
                    self._reserve_seqs, {"execution": execution_id, "count": len(events)}
                )
            ).scalar_one_or_none()
            if last_seq is None:
                raise ExecutionNotFoundError(execution_id)
            return await self.write_events(connection, execution_id, last_seq, events)

    async def write_events(
        self,
        connection: AsyncConnection,
        execution_id: str,
        last_seq: int,
        events: Sequence[NewEvent],
    ) -> list[ExecutionEvent]:
        """Insert ``events`` ending at the reserved ``last_seq``, in the caller's transaction."""
        first_seq = last_seq - len(events)
        stored = [
            ExecutionEvent(
                execution_id=execution_id,
                seq=first_seq + offset,
                type=event.type,
                at=event.at,
                data=event.data,
            )
            for offset, event in enumerate(events, start=1)
        ]
        if stored:
            await connection.execute(self._insert_events, [e.model_dump() for e in stored])
        return stored

    async def list_events(self, execution_id: str, after_seq: int = 0) -> list[ExecutionEvent]:
        async with self._db.read() as connection:
            rows = await connection.execute(
                self._list_events, {"id": execution_id, "after": after_seq}
            )
            return [ExecutionEvent.model_validate(row._asdict()) for row in rows]


def execution_row(record: ExecutionRecord) -> dict[str, Any]:
    """The columns of a new execution."""
    values = record.model_dump()
    values["usage"] = record.usage.model_dump(mode="json")
    values["last_event_seq"] = 0
    return values


def execution_record(values: dict[str, Any]) -> ExecutionRecord:
    """The record of a row (its ``last_event_seq`` is the store's own)."""
    del values["last_event_seq"]
    return ExecutionRecord.model_validate(values)


def _changes(update: ExecutionUpdate) -> dict[str, Any]:
    changes: dict[str, Any] = {"status": update.status.value}
    if update.status is ExecutionStatus.RUNNING:
        changes["started_at"] = update.at
    if update.status.is_terminal:
        changes["finished_at"] = update.at
    if update.result is not None:
        changes["result"] = update.result
    if update.raw_text is not None:
        changes["raw_text"] = update.raw_text
    if update.stop_reason is not None:
        changes["stop_reason"] = update.stop_reason.value
    if update.error is not None:
        changes["error"] = update.error
    if update.usage is not None:
        changes["usage"] = update.usage.model_dump(mode="json")
    if update.owner is not None:
        changes["owner"] = update.owner
    return changes
