"""ScheduleStore on SQLite: each call is one function on the database's thread."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select

from agent_gateway_core.domain.schedule import ScheduleRecord
from agent_gateway_core.ports.persistence.schedules import ScheduleStore
from agent_gateway_sqlalchemy.postgres.schedules import (
    ScheduleStatements,
    new_schedule_row,
    run_values,
)
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase
from agent_gateway_sqlalchemy.sqlite.statement import SqliteStatement


class SqliteScheduleStore(ScheduleStore):
    """Schedule records keyed by id; a soft delete only sets ``deleted``.

    The PostgreSQL store's statements, each write one of them: ``create`` is one ``INSERT
    ... ON CONFLICT (id) DO UPDATE ... WHERE stored.deleted RETURNING id``, and SQLite lets
    one writer at a time into the file, so of concurrent creates of one id, in this process
    or another, exactly one returns a row.
    """

    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        self._schedules = database.tables.schedules
        statements = ScheduleStatements(database.tables, "sqlite")
        compile_ = database.compile
        self._create = compile_(statements.create)
        self._save = compile_(statements.save)
        self._get = compile_(statements.get)
        self._soft_delete = compile_(statements.soft_delete)
        self._record_run = compile_(statements.record_run)
        self._revision = compile_(statements.revision)
        self._lists: dict[tuple[bool, bool], SqliteStatement] = {}

    async def create(self, schedule: ScheduleRecord) -> bool:
        row = new_schedule_row(schedule)
        created = await self._db.run(lambda connection: self._create.first(connection, row))
        return created is not None

    async def save(self, schedule: ScheduleRecord) -> None:
        row = new_schedule_row(schedule)
        await self._db.run(lambda connection: self._save.run(connection, row))

    async def get(self, schedule_id: str) -> ScheduleRecord | None:
        row = await self._db.run(lambda c: self._get.first(c, {"id": schedule_id}))
        return ScheduleRecord.model_validate(row) if row else None

    async def list_all(
        self, agent_id: str | None = None, include_deleted: bool = False
    ) -> list[ScheduleRecord]:
        statement = self._list(by_agent=agent_id is not None, include_deleted=include_deleted)
        rows = await self._db.run(lambda c: statement.all(c, {"agent_id": agent_id}))
        return [ScheduleRecord.model_validate(row) for row in rows]

    async def soft_delete(self, schedule_id: str) -> bool:
        changed = await self._db.run(lambda c: self._soft_delete.run(c, {"schedule": schedule_id}))
        return changed > 0

    async def record_run(
        self, schedule_id: str, *, run_at: datetime, execution_id: str, status: str
    ) -> bool:
        values = run_values(schedule_id, run_at=run_at, execution_id=execution_id, status=status)
        changed = await self._db.run(lambda c: self._record_run.run(c, values))
        return changed > 0

    async def revision(self) -> int:
        row = await self._db.run(self._revision.first)
        return int(row["revision"]) if row else 0

    def _list(self, *, by_agent: bool, include_deleted: bool) -> SqliteStatement:
        statement = self._lists.get((by_agent, include_deleted))
        if statement is None:
            schedules = self._schedules
            query = select(schedules).order_by(schedules.id)
            if by_agent:
                query = query.where(schedules.agent_id == bindparam("agent_id"))
            if not include_deleted:
                query = query.where(schedules.deleted.is_(False))
            statement = self._lists[by_agent, include_deleted] = self._db.compile(query)
        return statement
