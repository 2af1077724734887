"""IdempotencyStore on SQLite: each call is one function on the database's thread."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sqlalchemy import bindparam, delete, select

from agent_gateway_core.domain.user_config import IdempotencyRecord
from agent_gateway_core.ports.persistence.idempotency import IdempotencyStore
from agent_gateway_sqlalchemy.models.columns import UtcDateTime
from agent_gateway_sqlalchemy.postgres.statements import upsert
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase


class SqliteIdempotencyStore(IdempotencyStore):
    """A claim is one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE expired RETURNING``.

    It inserts a new key or replaces an expired record (expired as of the claim's own
    ``created_at``); a live record makes it return no row, and that record is then read, in
    the same call on the database's thread.
    """

    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        records = database.tables.idempotency_records
        self._claim = database.compile(
            upsert(
                "sqlite",
                records,
                ["scope", "key"],
                where=lambda current, claim: current.expires_at <= claim.created_at,
            ).returning(records.key)
        )
        now = bindparam("now", type_=UtcDateTime())
        self._get = database.compile(
            select(records).where(
                records.scope == bindparam("scope"),
                records.key == bindparam("key"),
                records.expires_at > now,
            )
        )
        self._purge = database.compile(delete(records).where(records.expires_at <= now))

    async def claim(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        row = record.model_dump()
        lookup = {"scope": record.scope, "key": record.key, "now": record.created_at}

        def claim(connection: sqlite3.Connection) -> IdempotencyRecord | None:
            while True:
                if self._claim.first(connection, row) is not None:
                    return None
                existing = self._get.first(connection, lookup)
                if existing is not None:
                    return IdempotencyRecord.model_validate(existing)
                # Another process purged the live record between the two statements: again.

        return await self._db.write(claim)

    async def get(self, scope: str, key: str, now: datetime) -> IdempotencyRecord | None:
        lookup = {"scope": scope, "key": key, "now": now}
        row = await self._db.run(lambda connection: self._get.first(connection, lookup))
        return IdempotencyRecord.model_validate(row) if row else None

    async def purge_expired(self, now: datetime) -> int:
        return await self._db.run(lambda connection: self._purge.run(connection, {"now": now}))
