"""NotificationLogStore on SQLAlchemy: creates and claims are one statement each.

The statements are built here for both dialects (the SQLite store compiles the same ones).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.sql.dml import Insert, Update

from agent_gateway_core.domain.notification import DeliveryStatus, NotificationDelivery
from agent_gateway_core.ports.persistence.notifications import (
    NotificationLogStore,
    NotificationQuery,
)
from agent_gateway_core.ports.persistence.paging import Page
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.models.columns import UtcDateTime
from agent_gateway_sqlalchemy.models.metadata import Tables
from agent_gateway_sqlalchemy.models.notifications import DELIVERY_KEY
from agent_gateway_sqlalchemy.postgres.statements import fetch_page, insert_new, upsert


class NotificationStatements:
    """The statements of a NotificationLogStore on ``notification_deliveries``.

    ``record`` and ``create`` take :func:`delivery_row`; ``get`` binds ``id``; ``claim``
    binds :func:`claim_values`.
    """

    def __init__(self, tables: Tables, dialect: str) -> None:
        log = tables.notification_deliveries
        self.record: Insert = upsert(dialect, log, ["id"])
        # A row comes back only when no delivery of the same execution, event, channel and
        # target exists (nor was being inserted: the unique key makes the second wait).
        self.create: Insert = insert_new(dialect, log, DELIVERY_KEY)
        self.get: Select[Any] = select(log).where(log.id == bindparam("id"))
        now = bindparam("now", type_=UtcDateTime())
        # The due deliveries, longest due first, skipping those another claim is taking at
        # this moment (PostgreSQL; SQLite has no row locks, and one writer at a time).
        due = (
            select(log.id)
            .where(
                log.status == DeliveryStatus.PENDING.value,
                log.next_attempt_at <= now,
                or_(log.claimed_until.is_(None), log.claimed_until <= now),
            )
            .order_by(log.next_attempt_at, log.id)
            .limit(bindparam("claim_limit", type_=Integer()))
            .with_for_update(skip_locked=True)
        )
        # Not named after columns: an update reserves those names for the values it sets.
        self.claim: Update = (
            sql_update(log)
            .where(log.id.in_(due))
            .values(
                claimed_by=bindparam("owner", type_=log.claimed_by.type),
                claimed_until=bindparam("until", type_=UtcDateTime()),
            )
            .returning(log)
        )


def delivery_row(delivery: NotificationDelivery) -> dict[str, Any]:
    """The columns of ``delivery``, its notification as a JSON document."""
    row = delivery.model_dump()
    if delivery.notification is not None:
        row["notification"] = delivery.notification.model_dump(mode="json")
    return row


def claim_values(now: datetime, *, owner: str, lease_seconds: float, limit: int) -> dict[str, Any]:
    """The parameters of :attr:`NotificationStatements.claim`."""
    until = now + timedelta(seconds=lease_seconds)
    return {"now": now, "owner": owner, "until": until, "claim_limit": limit}


def claimed(rows: Iterable[Mapping[str, Any]]) -> list[NotificationDelivery]:
    """The claimed rows in claim order (``RETURNING`` keeps none), longest due first."""
    deliveries = [NotificationDelivery.model_validate(row) for row in rows]
    return sorted(deliveries, key=lambda d: (d.next_attempt_at, d.id))


class SqlAlchemyNotificationLogStore(NotificationLogStore):
    """The delivery log; recording an id again replaces that row.

    ``create`` is one ``INSERT ... ON CONFLICT (execution_id, event_type, channel, target)
    DO NOTHING RETURNING id``: of concurrent inserts of one key, PostgreSQL makes the later
    ones wait for the first to commit, then skips them, so exactly one returns a row.
    ``claim_due`` is one ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)
    RETURNING``: a concurrent claim skips the rows this one has locked, and a row it was
    waiting for is checked again after the first claim committed (now claimed, it no longer
    matches), so no two claims return one delivery.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._log = database.tables.notification_deliveries
        self._statements = NotificationStatements(database.tables, database.dialect)

    async def create(self, delivery: NotificationDelivery) -> bool:
        async with self._db.write() as connection:
            created = await connection.execute(self._statements.create, delivery_row(delivery))
            return created.first() is not None

    async def record(self, delivery: NotificationDelivery) -> None:
        async with self._db.write() as connection:
            await connection.execute(self._statements.record, delivery_row(delivery))

    async def get(self, delivery_id: str) -> NotificationDelivery | None:
        async with self._db.read() as connection:
            row = (await connection.execute(self._statements.get, {"id": delivery_id})).first()
        return NotificationDelivery.model_validate(row._asdict()) if row else None

    async def claim_due(
        self, now: datetime, *, owner: str, lease_seconds: float, limit: int
    ) -> list[NotificationDelivery]:
        values = claim_values(now, owner=owner, lease_seconds=lease_seconds, limit=limit)
        async with self._db.write() as connection:
            rows = (await connection.execute(self._statements.claim, values)).all()
        return claimed(row._asdict() for row in rows)

    async def query(self, query: NotificationQuery) -> Page[NotificationDelivery]:
        log = self._log
        conditions: list[ColumnElement[bool]] = []
        if query.status is not None:
            conditions.append(log.status == query.status.value)
        if query.agent_id is not None:
            conditions.append(log.agent_id == query.agent_id)
        if query.channel is not None:
            conditions.append(log.channel == query.channel)
        if query.execution_id is not None:
            conditions.append(log.execution_id == query.execution_id)
        async with self._db.read() as connection:
            return await fetch_page(
                connection,
                select(log).where(*conditions),
                order_by=[log.created_at.desc(), log.id.desc()],
                limit=query.limit,
                offset=query.offset,
                convert=NotificationDelivery.model_validate,
            )
