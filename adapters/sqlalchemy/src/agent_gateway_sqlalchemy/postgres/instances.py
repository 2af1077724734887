"""InstanceStore on SQLAlchemy: leases in one table; orphans found and taken over in one statement.

The statements are built here for both dialects (the SQLite store compiles the same ones).
Whether an owner is live is decided inside the statement that reads or changes its
execution, never from an earlier read, so an instance that wrote its lease before it took an
execution on is never mistaken for a dead one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Delete, Exists, Select, bindparam, delete, func, literal
from sqlalchemy import select as sql_select
from sqlalchemy import update as sql_update
from sqlalchemy.sql.dml import Insert, Update

from agent_gateway_core.domain.events import NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.errors import ExecutionNotFoundError, InvalidTransitionError
from agent_gateway_core.ports.persistence.instances import InstanceStore, Takeover, check_takeover
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.models.instances import InstanceRow
from agent_gateway_sqlalchemy.models.metadata import Tables
from agent_gateway_sqlalchemy.postgres.executions import SqlAlchemyExecutionStore, execution_record
from agent_gateway_sqlalchemy.postgres.statements import upsert

_UNFINISHED = (ExecutionStatus.QUEUED.value, ExecutionStatus.RUNNING.value)
# Set by a take-over when given; kept otherwise.
_UPDATABLE = ("owner", "error", "stop_reason", "usage", "raw_text")


class InstanceStatements:
    """Every statement of an InstanceStore, with named parameters (see each method's caller)."""

    def __init__(self, tables: Tables, dialect: str) -> None:
        self.runs = runs = tables.executions
        self.instances = instances = tables.gateway_instances
        self.heartbeat: Insert = upsert(dialect, instances, ["id"])
        self.release: Delete = delete(instances).where(instances.id == bindparam("id"))
        now = bindparam("now", type_=instances.expires_at.type)
        self.live: Select[Any] = (
            sql_select(instances.id).where(instances.expires_at > now).order_by(instances.id)
        )
        self.orphans: Select[Any] = (
            sql_select(runs)
            .where(
                runs.status.in_([literal(status) for status in _UNFINISHED]),
                runs.owner.is_not(None),
                ~_live(instances, runs.owner, now),
            )
            .order_by(runs.created_at, runs.id)
            .limit(bindparam("limit"))
        )
        self.status = sql_select(runs.status).where(runs.id == bindparam("id"))

    def take_over(self, *, to_queued: bool) -> Update:
        """``UPDATE`` of one execution still under its dead owner in the status seen; its
        ``last_event_seq`` reserves the seq range of the events that go with it."""
        runs = self.runs
        at = bindparam("at", type_=runs.created_at.type)
        changes: dict[str, Any] = {
            "status": bindparam("to_status"),
            "last_event_seq": runs.last_event_seq + bindparam("count"),
        }
        if not to_queued:
            changes["finished_at"] = at
        for name in _UPDATABLE:
            column = getattr(runs, name)
            changes[name] = func.coalesce(bindparam(f"new_{name}", type_=column.type), column)
        # Not named after columns: an update reserves those names for the values it sets.
        owner = bindparam("dead_owner", type_=runs.owner.type)
        return (
            sql_update(runs)
            .where(
                runs.id == bindparam("run_id"),
                runs.status == bindparam("from_status"),
                runs.owner == owner,
                ~_live(self.instances, owner, at),
            )
            .values(changes)
            .returning(runs)
        )


def _live(
    instances: type[InstanceRow], owner: ColumnElement[Any], now: ColumnElement[Any]
) -> Exists:
    """Whether ``owner`` holds a lease that is still running at ``now``."""
    return (
        sql_select(instances.id).where(instances.id == owner, instances.expires_at > now).exists()
    )


def takeover_values(execution_id: str, takeover: Takeover, events: int) -> dict[str, Any]:
    """The parameters of :meth:`InstanceStatements.take_over`."""
    return {
        "run_id": execution_id,
        "to_status": takeover.status.value,
        "from_status": takeover.from_status.value,
        "dead_owner": takeover.owner,
        "at": takeover.at,
        "count": events,
        "new_owner": takeover.new_owner,
        "new_error": takeover.error,
        "new_stop_reason": None if takeover.stop_reason is None else takeover.stop_reason.value,
        "new_usage": None if takeover.usage is None else takeover.usage.model_dump(mode="json"),
        "new_raw_text": takeover.raw_text,
    }


def refused(execution_id: str, takeover: Takeover, current: str | None) -> Exception:
    """What a take-over that matched no row raises, given the status the record has now."""
    if current is None:
        return ExecutionNotFoundError(execution_id)
    return InvalidTransitionError(
        f"execution {execution_id!r} ({current!r}) is no longer "
        f"{takeover.from_status.value!r} under the dead instance {takeover.owner!r}: "
        "not taken over"
    )


class SqlAlchemyInstanceStore(InstanceStore):
    """Leases in ``gateway_instances``; a take-over is one ``UPDATE ... WHERE owner = :dead AND
    NOT EXISTS (a live lease of it) RETURNING``, with its events in the same transaction. Of
    two instances taking over one execution, the second's update finds it changed and matches
    nothing."""

    def __init__(self, database: Database, executions: SqlAlchemyExecutionStore) -> None:
        self._db = database
        self._executions = executions
        self._statements = statements = InstanceStatements(database.tables, database.dialect)
        self._take_over = {
            to_queued: statements.take_over(to_queued=to_queued) for to_queued in (False, True)
        }

    async def heartbeat(self, instance_id: str, expires_at: datetime) -> None:
        async with self._db.write() as connection:
            await connection.execute(
                self._statements.heartbeat, {"id": instance_id, "expires_at": expires_at}
            )

    async def release(self, instance_id: str) -> None:
        async with self._db.write() as connection:
            await connection.execute(self._statements.release, {"id": instance_id})

    async def live(self, now: datetime) -> list[str]:
        async with self._db.read() as connection:
            return list((await connection.scalars(self._statements.live, {"now": now})).all())

    async def orphans(self, now: datetime, limit: int = 100) -> list[ExecutionRecord]:
        async with self._db.read() as connection:
            rows = await connection.execute(self._statements.orphans, {"now": now, "limit": limit})
            return [execution_record(row._asdict()) for row in rows]

    async def take_over(
        self, execution_id: str, takeover: Takeover, events: Sequence[NewEvent] = ()
    ) -> ExecutionRecord:
        check_takeover(takeover)
        statement = self._take_over[takeover.status is ExecutionStatus.QUEUED]
        values = takeover_values(execution_id, takeover, len(events))
        writing = self._db.transaction() if events else self._db.write()
        async with writing as connection:
            row = (await connection.execute(statement, values)).first()
            if row is not None and events:
                await self._executions.write_events(
                    connection, execution_id, row.last_event_seq, events
                )
        if row is not None:
            return execution_record(row._asdict())
        async with self._db.read() as connection:
            current = await connection.scalar(self._statements.status, {"id": execution_id})
        raise refused(execution_id, takeover, current)
