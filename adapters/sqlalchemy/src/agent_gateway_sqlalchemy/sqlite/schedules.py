"""ScheduleStore on SQLite: each call is one function on the database's thread."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update

from agent_gateway_core.domain.schedule import ScheduleRecord
from agent_gateway_core.ports.persistence.schedules import ScheduleStore
from agent_gateway_sqlalchemy.postgres.statements import upsert
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase
from agent_gateway_sqlalchemy.sqlite.statement import SqliteStatement


class SqliteScheduleStore(ScheduleStore):
    """Schedule records keyed by id; a soft delete only sets ``deleted``."""

    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        schedules = self._schedules = database.tables.schedules
        self._upsert = database.compile(upsert("sqlite", schedules, ["id"]))
        self._get = database.compile(select(schedules).where(schedules.id == bindparam("id")))
        self._soft_delete = database.compile(
            update(schedules)
            .where(schedules.id == bindparam("schedule"), schedules.deleted.is_(False))
            .values(deleted=True)
        )
        self._lists: dict[tuple[bool, bool], SqliteStatement] = {}

    async def upsert(self, schedule: ScheduleRecord) -> None:
        row = schedule.model_dump()
        await self._db.run(lambda connection: self._upsert.run(connection, row))

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
