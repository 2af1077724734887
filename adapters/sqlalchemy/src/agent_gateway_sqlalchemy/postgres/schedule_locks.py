"""ScheduleLock on SQLAlchemy: one row per key, taken over in one statement once it expired.

The statements are built here for both dialects on a clock given as SQL expressions: the
database's own on PostgreSQL, values bound from Python on SQLite (see its store).
"""

from __future__ import annotations

import math
import secrets
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Interval, bindparam, delete, func
from sqlalchemy import update as sql_update
from sqlalchemy.sql.dml import Delete, Insert, Update

from agent_gateway_core.ports.schedule_lock import LockLease, ScheduleLock
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.models.metadata import Tables
from agent_gateway_sqlalchemy.postgres.statements import upsert

# One row is left per cron firing (a lease is held until it expires, so that a replica late
# to the firing cannot take it again), so acquires delete old ones now and then: at most once
# a minute per process, the rows expired for five minutes (not those that just expired, which
# a take-over may be writing at that moment).
PURGE_EVERY_SECONDS = 60.0
KEEP_EXPIRED = timedelta(minutes=5)


class ScheduleLockStatements:
    """Every statement of a ScheduleLock on ``schedule_locks``, given its clock.

    ``now`` is the current time, ``until`` the expiry of a lease taken or renewed now, and
    ``stale_before`` the expiry before which a row is purged: SQL expressions whose
    parameters the caller binds. Keys and tokens are bound as ``lock_key`` and
    ``lock_token`` (an update reserves the column names for the values it sets).
    """

    def __init__(
        self,
        tables: Tables,
        dialect: str,
        *,
        now: ColumnElement[Any],
        until: ColumnElement[Any],
        stale_before: ColumnElement[Any],
    ) -> None:
        locks = tables.schedule_locks
        # Inserts the key, or takes over its row once the lease there has expired; a live
        # lease matches nothing, so a row comes back only to the caller that got the key.
        self.acquire: Insert = (
            upsert(
                dialect,
                locks,
                ["key"],
                update=["token", "expires_at"],
                where=lambda held, _new: held.expires_at <= now,
            )
            .values(key=bindparam("lock_key"), token=bindparam("lock_token"), expires_at=until)
            .returning(locks.token)
        )
        held_by_caller = (
            locks.key == bindparam("lock_key"),
            locks.token == bindparam("lock_token"),
            locks.expires_at > now,
        )
        self.release: Delete = delete(locks).where(*held_by_caller)
        self.extend: Update = sql_update(locks).where(*held_by_caller).values(expires_at=until)
        self.purge: Delete = delete(locks).where(locks.expires_at <= stale_before)


def lease_duration(ttl_seconds: float) -> timedelta:
    """``ttl_seconds`` as a duration; ``ValueError`` unless it is a positive, finite number."""
    if not ttl_seconds > 0:  # also NaN
        raise ValueError(f"lock ttl_seconds must be positive, got {ttl_seconds}")
    if math.isinf(ttl_seconds):
        raise ValueError("lock ttl_seconds must be finite, got inf")
    return timedelta(seconds=ttl_seconds)


def new_token() -> str:
    """The token of a new lease: unguessable, so only its holder can release or extend it."""
    return secrets.token_hex(16)


class PurgeTimer:
    """Says when this process's next purge of expired leases is due (first: at once)."""

    def __init__(self, every_seconds: float = PURGE_EVERY_SECONDS) -> None:
        self._every = every_seconds
        self._next = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self._every
        return True


class SqlAlchemyScheduleLock(ScheduleLock):
    """Leases in ``schedule_locks``, expiring on PostgreSQL's clock.

    Every replica on the database measures expiry with the same clock, the server's
    (``clock_timestamp()``), whatever their own clocks say. ``acquire`` is one ``INSERT ...
    ON CONFLICT (key) DO UPDATE ... WHERE expires_at <= now RETURNING token``: concurrent
    acquires of one key wait for each other on its row, and the condition is checked again
    on the row the first committed, so exactly one gets a row back. ``release`` and
    ``extend`` match the key, the token and an unexpired lease in one statement.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        # Not now(): that is the start of the transaction, which may be older than the call.
        now = func.clock_timestamp(type_=DateTime(timezone=True))
        self._statements = ScheduleLockStatements(
            database.tables,
            database.dialect,
            now=now,
            until=now + bindparam("ttl", type_=Interval()),
            stale_before=now - bindparam("kept", type_=Interval()),
        )
        self._purge = PurgeTimer()

    async def acquire(self, key: str, ttl_seconds: float) -> LockLease | None:
        token = new_token()
        values = {"lock_key": key, "lock_token": token, "ttl": lease_duration(ttl_seconds)}
        async with self._db.write() as connection:
            if self._purge.due():
                await connection.execute(self._statements.purge, {"kept": KEEP_EXPIRED})
            holder = await connection.scalar(self._statements.acquire, values)
        if holder != token:
            return None
        return LockLease(key=key, token=token, ttl_seconds=ttl_seconds)

    async def release(self, lease: LockLease) -> bool:
        values = {"lock_key": lease.key, "lock_token": lease.token}
        async with self._db.write() as connection:
            result = await connection.execute(self._statements.release, values)
        return result.rowcount > 0

    async def extend(self, lease: LockLease, ttl_seconds: float) -> bool:
        values = {
            "lock_key": lease.key,
            "lock_token": lease.token,
            "ttl": lease_duration(ttl_seconds),
        }
        async with self._db.write() as connection:
            result = await connection.execute(self._statements.extend, values)
        return result.rowcount > 0
