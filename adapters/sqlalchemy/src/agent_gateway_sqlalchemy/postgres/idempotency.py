"""IdempotencyStore on SQLAlchemy: one atomic claim per unexpired (scope, key)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select

from agent_gateway_core.domain.user_config import IdempotencyRecord
from agent_gateway_core.ports.persistence.idempotency import IdempotencyStore
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.models.columns import UtcDateTime
from agent_gateway_sqlalchemy.postgres.statements import upsert


class SqlAlchemyIdempotencyStore(IdempotencyStore):
    """A claim is one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE expired RETURNING``.

    It inserts a new key or replaces an expired record (expired as of the claim's own
    ``created_at``); a live record makes it return no row, and that record is then read.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        records = self._records = database.tables.idempotency_records
        self._claim = upsert(
            database.dialect,
            records,
            ["scope", "key"],
            where=lambda current, claim: current.expires_at <= claim.created_at,
        ).returning(records.key)
        now = bindparam("now", type_=UtcDateTime())
        self._get = select(records).where(
            records.scope == bindparam("scope"),
            records.key == bindparam("key"),
            records.expires_at > now,
        )
        self._purge = delete(records).where(records.expires_at <= now)

    async def claim(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        while True:
            async with self._db.write() as connection:
                won = (await connection.execute(self._claim, record.model_dump())).first()
            if won is not None:
                return None
            existing = await self.get(record.scope, record.key, record.created_at)
            if existing is not None:
                return existing
            # The live record expired or was purged between the two statements: claim again.

    async def get(self, scope: str, key: str, now: datetime) -> IdempotencyRecord | None:
        async with self._db.read() as connection:
            row = (
                await connection.execute(self._get, {"scope": scope, "key": key, "now": now})
            ).first()
        return IdempotencyRecord.model_validate(row._asdict()) if row else None

    async def purge_expired(self, now: datetime) -> int:
        async with self._db.write() as connection:
            result = await connection.execute(self._purge, {"now": now})
        return result.rowcount
