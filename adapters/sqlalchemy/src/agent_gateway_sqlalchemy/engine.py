"""``create_engine``: an async engine tuned per dialect, without opening a connection.

On SQLite it serves the migration helpers only; the backend's stores run on
:mod:`agent_gateway_sqlalchemy.sqlite`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, make_url
from sqlalchemy.pool import ConnectionPoolEntry, NullPool, StaticPool

from agent_gateway_core.errors import MissingExtraError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine
from agent_gateway_sqlalchemy.settings import PersistenceSettings

_EXTRAS = {
    "sqlite": ("SQLite persistence", "sqlite"),
    "postgresql": ("PostgreSQL persistence", "postgres"),
}


def create_engine(settings: PersistenceSettings, *, pooled: bool = True) -> AsyncEngine:
    """The engine for ``settings``; ``pooled=False`` opens one connection per use (CLI tools,
    and always on SQLite).

    A missing driver raises :class:`~agent_gateway_core.errors.MissingExtraError` with the
    install line.
    """
    try:
        if settings.dialect == "sqlite":
            return _sqlite_engine(settings)
        return _postgres_engine(settings, pooled=pooled)
    except ImportError as exc:
        feature, extra = _EXTRAS[settings.dialect]
        raise MissingExtraError(feature, extra) from exc


def _sqlite_engine(settings: PersistenceSettings) -> AsyncEngine:
    # One connection per use: migrations are short, and an in-memory database must keep its one.
    engine: AsyncEngine = _create_async_engine()(
        settings.url,
        connect_args={"timeout": settings.statement_timeout_seconds},
        poolclass=StaticPool if settings.in_memory else NullPool,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Runs through aiosqlite's own thread, like every other statement.
        cursor = dbapi_connection.cursor()
        for pragma in sqlite_pragmas(settings):
            cursor.execute(pragma)
        cursor.close()

    return engine


def sqlite_pragmas(settings: PersistenceSettings) -> list[str]:
    """What every SQLite connection sets first: WAL (files only), durability, foreign keys.

    The busy timeout is the driver's ``timeout`` argument.
    """
    pragmas = [] if settings.in_memory else ["PRAGMA journal_mode=WAL"]
    return [
        *pragmas,
        f"PRAGMA synchronous={settings.sqlite_synchronous.upper()}",
        "PRAGMA foreign_keys=ON",
    ]


def _postgres_engine(settings: PersistenceSettings, *, pooled: bool) -> AsyncEngine:
    statement_timeout_ms = int(settings.statement_timeout_seconds * 1000)
    connect_args = {
        "timeout": settings.connect_timeout_seconds,
        # The server cancels slow statements; the client gives up a little later if it cannot.
        "command_timeout": settings.statement_timeout_seconds + 1.0,
        "server_settings": {
            "statement_timeout": str(statement_timeout_ms),
            "application_name": "agent-gateway",
        },
    }
    options: dict[str, Any] = {"connect_args": connect_args, "pool_pre_ping": True}
    if pooled:
        options.update(
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
            pool_timeout=settings.statement_timeout_seconds,
            # Pooled connections rest in autocommit: the liveness check at each checkout is
            # then one round trip, where asyncpg wraps it in BEGIN ... ROLLBACK otherwise
            # (three). Database.transaction() asks for a real transaction explicitly.
            isolation_level="AUTOCOMMIT",
        )
    else:
        options["poolclass"] = NullPool
    engine: AsyncEngine = _create_async_engine()(settings.url, **options)
    return engine


async def ensure_sqlite_directory(settings: PersistenceSettings) -> None:
    """Create the folder of a SQLite database file, which SQLite will not do itself."""
    database = make_url(settings.url).database
    if settings.dialect == "sqlite" and database and not settings.in_memory:
        await asyncio.to_thread(Path(database).parent.mkdir, parents=True, exist_ok=True)


def _create_async_engine() -> Any:
    # Imported here: the async engine loads SQLAlchemy's ORM, which the SQLite path never needs.
    from sqlalchemy.ext.asyncio import create_async_engine

    return create_async_engine
