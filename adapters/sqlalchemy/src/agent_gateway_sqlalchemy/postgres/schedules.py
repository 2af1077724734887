"""ScheduleStore on SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy import update as sql_update

from agent_gateway_core.domain.schedule import ScheduleRecord
from agent_gateway_core.ports.persistence.schedules import ScheduleStore
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.postgres.statements import upsert


class SqlAlchemyScheduleStore(ScheduleStore):
    """Schedule records keyed by id; a soft delete only sets ``deleted``."""

    def __init__(self, database: Database) -> None:
        self._db = database
        schedules = self._schedules = database.tables.schedules
        self._upsert = upsert(database.dialect, schedules, ["id"])
        self._get = select(schedules).where(schedules.id == bindparam("id"))
        self._soft_delete = (
            sql_update(schedules)
            .where(schedules.id == bindparam("schedule"), schedules.deleted.is_(False))
            .values(deleted=True)
        )

    async def upsert(self, schedule: ScheduleRecord) -> None:
        async with self._db.write() as connection:
            await connection.execute(self._upsert, schedule.model_dump())

    async def get(self, schedule_id: str) -> ScheduleRecord | None:
        async with self._db.read() as connection:
            row = (await connection.execute(self._get, {"id": schedule_id})).first()
        return ScheduleRecord.model_validate(row._asdict()) if row else None

    async def list_all(
        self, agent_id: str | None = None, include_deleted: bool = False
    ) -> list[ScheduleRecord]:
        schedules = self._schedules
        query = select(schedules).order_by(schedules.id)
        if agent_id is not None:
            query = query.where(schedules.agent_id == agent_id)
        if not include_deleted:
            query = query.where(schedules.deleted.is_(False))
        async with self._db.read() as connection:
            rows = await connection.execute(query)
            return [ScheduleRecord.model_validate(row._asdict()) for row in rows]

    async def soft_delete(self, schedule_id: str) -> bool:
        async with self._db.write() as connection:
            result = await connection.execute(self._soft_delete, {"schedule": schedule_id})
        return result.rowcount > 0
