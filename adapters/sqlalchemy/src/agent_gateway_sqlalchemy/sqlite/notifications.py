"""NotificationLogStore on SQLite: each call is one function on the database's thread."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from agent_gateway_core.domain.notification import NotificationDelivery
from agent_gateway_core.ports.persistence.notifications import (
    NotificationLogStore,
    NotificationQuery,
)
from agent_gateway_core.ports.persistence.paging import Page
from agent_gateway_sqlalchemy.postgres.statements import upsert
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase
from agent_gateway_sqlalchemy.sqlite.paging import PagedQuery

_FILTERS = ("status", "agent_id", "channel", "execution_id")


class SqliteNotificationLogStore(NotificationLogStore):
    """The delivery log; recording an id again replaces that row."""

    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        self._log = database.tables.notification_deliveries
        self._upsert = database.compile(upsert("sqlite", self._log, ["id"]))
        self._pages: dict[tuple[str, ...], PagedQuery] = {}

    async def record(self, delivery: NotificationDelivery) -> None:
        row = delivery.model_dump()
        await self._db.run(lambda connection: self._upsert.run(connection, row))

    async def query(self, query: NotificationQuery) -> Page[NotificationDelivery]:
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
                convert=NotificationDelivery.model_validate,
            )
        )

    def _paged(self, filters: tuple[str, ...]) -> PagedQuery:
        """The listing for this set of filters, compiled the first time it is asked for."""
        paged = self._pages.get(filters)
        if paged is None:
            log = self._log
            conditions = [getattr(log, name) == bindparam(name) for name in filters]
            paged = self._pages[filters] = PagedQuery(
                self._db,
                select(log).where(*conditions),
                order_by=[log.created_at.desc(), log.id.desc()],
            )
        return paged
