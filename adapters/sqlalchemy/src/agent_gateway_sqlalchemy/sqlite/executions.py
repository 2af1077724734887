"""ExecutionStore on SQLite: each call is one function on the database's thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, insert, literal, select, update
from sqlalchemy.sql.dml import Update

from agent_gateway_core.domain.events import ExecutionEvent, NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
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
from agent_gateway_sqlalchemy.models.executions import ExecutionRow
from agent_gateway_sqlalchemy.postgres.executions import (
    TRANSITION_SOURCES,
    execution_record,
    execution_row,
)
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase
from agent_gateway_sqlalchemy.sqlite.paging import PagedQuery

_FILTERS = ("agent_id", "status", "user_id", "session_id", "tracking", "since")
# Set by a transition when given; kept otherwise.
_UPDATABLE = ("result", "raw_text", "stop_reason", "error", "usage", "owner")


class SqliteExecutionStore(ExecutionStore):
    """Executions and their events, with the same statements as the PostgreSQL store.

    A transition is one ``UPDATE ... WHERE status IN (allowed sources) RETURNING``, compiled
    once per target status (fields the update leaves ``None`` keep their value through
    ``COALESCE``); the same statement reserves the seq range of the events that go with it.
    Appending events reserves the seq range with one ``UPDATE ... RETURNING``. Events are
    inserted with one ``executemany``, in the same atomic write as the update.
    """

    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        compile_ = database.compile
        runs = self._runs = database.tables.executions
        events = database.tables.execution_events
        self._insert = compile_(insert(runs))
        self._get = compile_(select(runs).where(runs.id == bindparam("id")))
        self._status = compile_(select(runs.status).where(runs.id == bindparam("id")))
        # One statement per (target, required source): None allows every source the state
        # machine does; a source is ``ExecutionUpdate.only_from``.
        self._transitions = {
            (target, only_from): compile_(_transition(runs, target, only_from))
            for target, sources in TRANSITION_SOURCES.items()
            for only_from in [None, *sources]
            if sources
        }
        self._reserve_seqs = compile_(
            update(runs)
            .where(runs.id == bindparam("execution"))
            .values(last_event_seq=runs.last_event_seq + bindparam("count"))
            .returning(runs.last_event_seq)
        )
        self._insert_events = compile_(insert(events))
        self._list_events = compile_(
            select(events)
            .where(events.execution_id == bindparam("id"), events.seq > bindparam("after"))
            .order_by(events.seq)
        )
        self._pages: dict[tuple[str, ...], PagedQuery] = {}

    async def create(self, record: ExecutionRecord, events: Sequence[NewEvent] = ()) -> None:
        row = execution_row(record) | {"last_event_seq": len(events)}

        def create(connection: sqlite3.Connection) -> None:
            try:
                self._insert.run(connection, row)
            except sqlite3.IntegrityError as exc:
                raise DuplicateError(f"execution already exists: {record.id!r}") from exc
            if events:  # in the same savepoint: both stored or neither
                self.write_events(connection, record.id, len(events), events)

        await self._db.write(create)

    async def get(self, execution_id: str) -> ExecutionRecord | None:
        row = await self._db.run(
            lambda connection: self._get.first(connection, {"id": execution_id})
        )
        return execution_record(row) if row else None

    async def transition(
        self, execution_id: str, update: ExecutionUpdate, events: Sequence[NewEvent] = ()
    ) -> ExecutionRecord:
        only_from = None if update.only_from is None else update.only_from.value
        statement = self._transitions.get((update.status, only_from))
        values = {
            "id": execution_id,
            "at": update.at,
            "new_result": update.result,
            "new_raw_text": update.raw_text,
            "new_stop_reason": None if update.stop_reason is None else update.stop_reason.value,
            "new_error": update.error,
            "new_usage": None if update.usage is None else update.usage.model_dump(mode="json"),
            "new_owner": update.owner,
            "count": len(events),
        }

        def transition(connection: sqlite3.Connection) -> dict[str, Any]:
            row = statement.first(connection, values) if statement is not None else None
            if row is not None:
                if events:
                    self.write_events(connection, execution_id, row["last_event_seq"], events)
                return row
            current = self._status.first(connection, {"id": execution_id})
            if current is None:
                raise ExecutionNotFoundError(execution_id)
            raise InvalidTransitionError(
                f"execution {execution_id!r} cannot go from {current['status']!r} "
                f"to {update.status.value!r}"
            )

        return execution_record(await self._db.write(transition))

    async def query(self, query: ExecutionQuery) -> Page[ExecutionRecord]:
        values: dict[str, Any] = {
            name: getattr(query, name) for name in _FILTERS if getattr(query, name) is not None
        }
        if query.status is not None:
            values["status"] = query.status.value
        paged = self._paged(tuple(values))
        return await self._db.run(
            lambda connection: paged.fetch(
                connection,
                values,
                limit=query.limit,
                offset=query.offset,
                convert=execution_record,
            )
        )

    async def append_events(
        self, execution_id: str, events: list[NewEvent]
    ) -> list[ExecutionEvent]:
        def append(connection: sqlite3.Connection) -> int:
            reserved = self._reserve_seqs.first(
                connection, {"execution": execution_id, "count": len(events)}
            )
            if reserved is None:
                raise ExecutionNotFoundError(execution_id)
            return self.write_events(connection, execution_id, reserved["last_event_seq"], events)

        first_seq = await self._db.write(append)
        return [
            ExecutionEvent(
                execution_id=execution_id, seq=seq, type=event.type, at=event.at, data=event.data
            )
            for seq, event in enumerate(events, start=first_seq)
        ]

    def write_events(
        self,
        connection: sqlite3.Connection,
        execution_id: str,
        last_seq: int,
        events: Sequence[NewEvent],
    ) -> int:
        """Insert ``events`` ending at the reserved ``last_seq``; the first seq they got."""
        first_seq = int(last_seq) - len(events) + 1
        self._insert_events.run_many(
            connection,
            (
                {
                    "execution_id": execution_id,
                    "seq": seq,
                    "type": event.type.value,
                    "at": event.at,
                    "data": event.data,
                }
                for seq, event in enumerate(events, start=first_seq)
            ),
        )
        return first_seq

    async def list_events(self, execution_id: str, after_seq: int = 0) -> list[ExecutionEvent]:
        rows = await self._db.run(
            lambda connection: self._list_events.all(
                connection, {"id": execution_id, "after": after_seq}
            )
        )
        return [ExecutionEvent.model_validate(row) for row in rows]

    def _paged(self, filters: tuple[str, ...]) -> PagedQuery:
        """The listing for this set of filters, compiled the first time it is asked for."""
        paged = self._pages.get(filters)
        if paged is None:
            runs = self._runs
            conditions: list[ColumnElement[bool]] = [
                runs.created_at >= bindparam(name)
                if name == "since"
                else getattr(runs, name) == bindparam(name)
                for name in filters
            ]
            paged = self._pages[filters] = PagedQuery(
                self._db,
                select(runs).where(*conditions),
                order_by=[runs.created_at.desc(), runs.id.desc()],
            )
        return paged


def _transition(runs: type[ExecutionRow], target: ExecutionStatus, only_from: str | None) -> Update:
    """``UPDATE`` to ``target`` from the statuses allowed to reach it (or from ``only_from``
    alone), returning the row."""
    at = bindparam("at", type_=runs.created_at.type)
    changes: dict[str, Any] = {
        "status": literal(target.value),
        "last_event_seq": runs.last_event_seq + bindparam("count"),
    }
    if target is ExecutionStatus.RUNNING:
        changes["started_at"] = at
    if target.is_terminal:
        changes["finished_at"] = at
    for name in _UPDATABLE:
        column = getattr(runs, name)
        changes[name] = func.coalesce(bindparam(f"new_{name}", type_=column.type), column)
    allowed = TRANSITION_SOURCES[target] if only_from is None else [only_from]
    sources = [literal(source) for source in allowed]
    return (
        update(runs)
        .where(runs.id == bindparam("id"), runs.status.in_(sources))
        .values(changes)
        .returning(runs)
    )
