"""ScheduleStore on SQLAlchemy: each write is one statement that also sets the revision.

The statements are built here for both dialects (the SQLite store compiles the same ones).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy import update as sql_update
from sqlalchemy.sql.dml import Insert, Update

from agent_gateway_core.domain.schedule import ScheduleRecord
from agent_gateway_core.ports.persistence.schedules import ScheduleStore
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.models.columns import UtcDateTime
from agent_gateway_sqlalchemy.models.metadata import Tables
from agent_gateway_sqlalchemy.postgres.statements import upsert

# What a save leaves as stored: when the record was first made, and its last firing.
_KEPT_BY_SAVE = ("created_at", "last_run_at", "last_execution_id", "last_status")


class ScheduleStatements:
    """Every statement of a ScheduleStore, with named parameters (see each method's caller).

    A write that replaces a stored row sets ``revision`` to the stored one plus one in the
    same statement, so writes from several processes never lose an increment; a new row is
    inserted with revision 1 (:func:`new_schedule_row`). ``revision()`` sums them: every
    such write adds one, and rows are never removed.
    """

    def __init__(self, tables: Tables, dialect: str) -> None:
        schedules = tables.schedules
        next_revision = {"revision": schedules.revision + 1}
        replaced = [c.name for c in schedules.__table__.c if c.name not in ("id", "revision")]
        # Inserts, or revives a deleted record; a live one matches nothing and returns no row.
        self.create: Insert = upsert(
            dialect,
            schedules,
            ["id"],
            update=replaced,
            computed=next_revision,
            where=lambda stored, _new: stored.deleted.is_(True),
        ).returning(schedules.id)
        self.save: Insert = upsert(
            dialect,
            schedules,
            ["id"],
            update=[name for name in replaced if name not in _KEPT_BY_SAVE],
            computed=next_revision,
        )
        self.get: Select[Any] = select(schedules).where(schedules.id == bindparam("id"))
        # Not named after columns: an update reserves those names for the values it sets.
        self.soft_delete: Update = (
            sql_update(schedules)
            .where(schedules.id == bindparam("schedule"), schedules.deleted.is_(False))
            .values(deleted=True, **next_revision)
        )
        self.record_run: Update = (
            sql_update(schedules)
            .where(schedules.id == bindparam("schedule"))
            .values(
                last_run_at=bindparam("run_at", type_=UtcDateTime()),
                last_execution_id=bindparam("execution", type_=schedules.last_execution_id.type),
                last_status=bindparam("run_status", type_=schedules.last_status.type),
            )
        )
        self.revision: Select[Any] = select(
            func.coalesce(func.sum(schedules.revision), 0).label("revision")
        )


def new_schedule_row(schedule: ScheduleRecord) -> dict[str, Any]:
    """The columns of ``schedule`` as inserted (a replaced row takes its revision from SQL)."""
    return schedule.model_dump() | {"revision": 1}


def run_values(
    schedule_id: str, *, run_at: datetime, execution_id: str, status: str
) -> dict[str, Any]:
    """The parameters of :attr:`ScheduleStatements.record_run`."""
    return {
        "schedule": schedule_id,
        "run_at": run_at,
        "execution": execution_id,
        "run_status": status,
    }


class SqlAlchemyScheduleStore(ScheduleStore):
    """Schedule records keyed by id; a soft delete only sets ``deleted``.

    ``create`` is one ``INSERT ... ON CONFLICT (id) DO UPDATE ... WHERE stored.deleted
    RETURNING id``: PostgreSQL makes concurrent inserts of one id wait for each other, and
    re-checks the condition on the row the first one committed, so exactly one returns a row.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._schedules = database.tables.schedules
        self._statements = ScheduleStatements(database.tables, database.dialect)

    async def create(self, schedule: ScheduleRecord) -> bool:
        async with self._db.write() as connection:
            created = await connection.execute(self._statements.create, new_schedule_row(schedule))
            return created.first() is not None

    async def save(self, schedule: ScheduleRecord) -> None:
        async with self._db.write() as connection:
            await connection.execute(self._statements.save, new_schedule_row(schedule))

    async def get(self, schedule_id: str) -> ScheduleRecord | None:
        async with self._db.read() as connection:
            row = (await connection.execute(self._statements.get, {"id": schedule_id})).first()
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
            result = await connection.execute(
                self._statements.soft_delete, {"schedule": schedule_id}
            )
        return result.rowcount > 0

    async def record_run(
        self, schedule_id: str, *, run_at: datetime, execution_id: str, status: str
    ) -> bool:
        values = run_values(schedule_id, run_at=run_at, execution_id=execution_id, status=status)
        async with self._db.write() as connection:
            result = await connection.execute(self._statements.record_run, values)
        return result.rowcount > 0

    async def revision(self) -> int:
        async with self._db.read() as connection:
            return int(await connection.scalar(self._statements.revision) or 0)
