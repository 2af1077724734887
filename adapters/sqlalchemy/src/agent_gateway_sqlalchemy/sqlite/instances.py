"""InstanceStore on SQLite: the PostgreSQL store's statements, each call one function on the
database's thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from agent_gateway_core.domain.events import NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.ports.persistence.instances import InstanceStore, Takeover, check_takeover
from agent_gateway_sqlalchemy.postgres.executions import execution_record
from agent_gateway_sqlalchemy.postgres.instances import (
    InstanceStatements,
    refused,
    takeover_values,
)
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase
from agent_gateway_sqlalchemy.sqlite.executions import SqliteExecutionStore


class SqliteInstanceStore(InstanceStore):
    """Leases in ``gateway_instances``; a take-over is one ``UPDATE ... WHERE owner = :dead AND
    NOT EXISTS (a live lease of it) RETURNING`` and its events, in one atomic write (SQLite
    has one writer at a time, so of two take-overs the second matches nothing)."""

    def __init__(self, database: SqliteDatabase, executions: SqliteExecutionStore) -> None:
        self._db = database
        self._executions = executions
        statements = InstanceStatements(database.tables, "sqlite")
        compile_ = database.compile
        self._heartbeat = compile_(statements.heartbeat)
        self._release = compile_(statements.release)
        self._live = compile_(statements.live)
        self._orphans = compile_(statements.orphans)
        self._status = compile_(statements.status)
        self._take_over = {
            to_queued: compile_(statements.take_over(to_queued=to_queued))
            for to_queued in (False, True)
        }

    async def heartbeat(self, instance_id: str, expires_at: datetime) -> None:
        values = {"id": instance_id, "expires_at": expires_at}
        await self._db.write(lambda connection: self._heartbeat.run(connection, values))

    async def release(self, instance_id: str) -> None:
        values = {"id": instance_id}
        await self._db.write(lambda connection: self._release.run(connection, values))

    async def live(self, now: datetime) -> list[str]:
        rows = await self._db.run(lambda connection: self._live.all(connection, {"now": now}))
        return [row["id"] for row in rows]

    async def orphans(self, now: datetime, limit: int = 100) -> list[ExecutionRecord]:
        values = {"now": now, "limit": limit}
        rows = await self._db.run(lambda connection: self._orphans.all(connection, values))
        return [execution_record(row) for row in rows]

    async def take_over(
        self, execution_id: str, takeover: Takeover, events: Sequence[NewEvent] = ()
    ) -> ExecutionRecord:
        check_takeover(takeover)
        statement = self._take_over[takeover.status is ExecutionStatus.QUEUED]
        values = takeover_values(execution_id, takeover, len(events))

        def take_over(connection: sqlite3.Connection) -> ExecutionRecord:
            row = statement.first(connection, values)
            if row is None:
                current = self._status.first(connection, {"id": execution_id})
                raise refused(
                    execution_id, takeover, None if current is None else current["status"]
                )
            if events:
                self._executions.write_events(
                    connection, execution_id, row["last_event_seq"], events
                )
            return execution_record(row)

        return await self._db.write(take_over)
