"""NotificationLogStore on SQLite: each call is one function on the database's thread."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from agent_gateway_core.domain.notification import NotificationDelivery
from agent_gateway_core.ports.persistence.notifications import (
    NotificationLogStore,
    NotificationQuery,
)
from agent_gateway_core.ports.persistence.paging import Page
from agent_gateway_sqlalchemy.postgres.notifications import (
    NotificationStatements,
    claim_values,
    claimed,
    delivery_row,
)
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase
from agent_gateway_sqlalchemy.sqlite.paging import PagedQuery

_FILTERS = ("status", "agent_id", "channel", "execution_id")


class SqliteNotificationLogStore(NotificationLogStore):
    """The delivery log; recording an id again replaces that row.

    The PostgreSQL store's statements, each call one of them: ``create`` is one ``INSERT ...
    ON CONFLICT (execution_id, event_type, channel, target) DO NOTHING RETURNING id`` and
    ``claim_due`` one ``UPDATE ... WHERE id IN (SELECT ... LIMIT) RETURNING``. SQLite lets
    one writer at a time into the file, and a statement sees every write committed before
    it, so of concurrent creates of one key, in this process or another, exactly one
    returns a row, and no two claims return one delivery.
    """

    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        self._log = database.tables.notification_deliveries
        statements = NotificationStatements(database.tables, "sqlite")
        compile_ = database.compile
        self._record = compile_(statements.record)
        self._create = compile_(statements.create)
        self._get = compile_(statements.get)
        self._claim = compile_(statements.claim)
        self._pages: dict[tuple[str, ...], PagedQuery] = {}

    async def create(self, delivery: NotificationDelivery) -> bool:
        row = delivery_row(delivery)
        created = await self._db.run(lambda connection: self._create.first(connection, row))
        return created is not None

    async def record(self, delivery: NotificationDelivery) -> None:
        row = delivery_row(delivery)
        await self._db.run(lambda connection: self._record.run(connection, row))

    async def get(self, delivery_id: str) -> NotificationDelivery | None:
        row = await self._db.run(lambda c: self._get.first(c, {"id": delivery_id}))
        return NotificationDelivery.model_validate(row) if row else None

    async def claim_due(
        self, now: datetime, *, owner: str, lease_seconds: float, limit: int
    ) -> list[NotificationDelivery]:
        values = claim_values(now, owner=owner, lease_seconds=lease_seconds, limit=limit)
        return claimed(await self._db.run(lambda c: self._claim.all(c, values)))

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
