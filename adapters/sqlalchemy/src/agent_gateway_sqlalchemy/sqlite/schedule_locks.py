"""ScheduleLock on SQLite: the PostgreSQL lock's statements, on this machine's clock."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from sqlalchemy import bindparam

from agent_gateway_core.ports.schedule_lock import LockLease, ScheduleLock
from agent_gateway_sqlalchemy.models.columns import UtcDateTime
from agent_gateway_sqlalchemy.postgres.schedule_locks import (
    KEEP_EXPIRED,
    PurgeTimer,
    ScheduleLockStatements,
    lease_duration,
    new_token,
)
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase


class SqliteScheduleLock(ScheduleLock):
    """Leases in ``schedule_locks``, expiring on the wall clock of this machine.

    The processes sharing a SQLite file share the machine it is on, hence one clock: the
    time is read in Python (UTC) and bound, since SQLite's own ``'now'`` is only to the
    millisecond and written in another format than the stored timestamps. ``acquire`` is
    one ``INSERT ... ON CONFLICT (key) DO UPDATE ... WHERE expires_at <= :now RETURNING
    token``; SQLite lets one writer at a time into the file, so of concurrent acquires, in
    this process or another, exactly one gets a row back.
    """

    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        statements = ScheduleLockStatements(
            database.tables,
            "sqlite",
            now=bindparam("now", type_=UtcDateTime()),
            until=bindparam("until", type_=UtcDateTime()),
            stale_before=bindparam("stale_before", type_=UtcDateTime()),
        )
        compile_ = database.compile
        self._acquire = compile_(statements.acquire)
        self._release = compile_(statements.release)
        self._extend = compile_(statements.extend)
        self._purge = compile_(statements.purge)
        self._purge_timer = PurgeTimer()

    async def acquire(self, key: str, ttl_seconds: float) -> LockLease | None:
        ttl = lease_duration(ttl_seconds)
        token = new_token()
        purge = self._purge_timer.due()

        def acquire(connection: sqlite3.Connection) -> str | None:
            now = datetime.now(UTC)
            if purge:
                self._purge.run(connection, {"stale_before": now - KEEP_EXPIRED})
            values = {"lock_key": key, "lock_token": token, "now": now, "until": now + ttl}
            holder = self._acquire.first(connection, values)
            return None if holder is None else str(holder["token"])

        if await self._db.run(acquire) != token:
            return None
        return LockLease(key=key, token=token, ttl_seconds=ttl_seconds)

    async def release(self, lease: LockLease) -> bool:
        def release(connection: sqlite3.Connection) -> int:
            values = {"lock_key": lease.key, "lock_token": lease.token, "now": datetime.now(UTC)}
            return self._release.run(connection, values)

        return await self._db.run(release) > 0

    async def extend(self, lease: LockLease, ttl_seconds: float) -> bool:
        ttl = lease_duration(ttl_seconds)

        def extend(connection: sqlite3.Connection) -> int:
            now = datetime.now(UTC)
            values = {"lock_key": lease.key, "lock_token": lease.token, "now": now}
            return self._extend.run(connection, values | {"until": now + ttl})

        return await self._db.run(extend) > 0
