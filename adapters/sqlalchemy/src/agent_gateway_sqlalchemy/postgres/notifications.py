"""NotificationLogStore on SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from agent_gateway_core.domain.notification import NotificationDelivery
from agent_gateway_core.ports.persistence.notifications import (
    NotificationLogStore,
    NotificationQuery,
)
from agent_gateway_core.ports.persistence.paging import Page
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.postgres.statements import fetch_page, upsert


class SqlAlchemyNotificationLogStore(NotificationLogStore):
    """The delivery log; recording an id again replaces that row."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._log = database.tables.notification_deliveries
        self._upsert = upsert(database.dialect, self._log, ["id"])

    async def record(self, delivery: NotificationDelivery) -> None:
        async with self._db.write() as connection:
            await connection.execute(self._upsert, delivery.model_dump())

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
