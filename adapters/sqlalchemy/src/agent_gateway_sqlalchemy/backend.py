"""SqlAlchemyPersistence: the PersistenceBackend on SQLite or PostgreSQL."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from sqlalchemy import text

from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_core.ports.persistence import (
    ConversationStore,
    ExecutionStore,
    IdempotencyStore,
    InstanceStore,
    McpServerStore,
    NotificationLogStore,
    PersistenceBackend,
    ScheduleStore,
    UserConfigStore,
)
from agent_gateway_core.ports.schedule_lock import ScheduleLock
from agent_gateway_core.ports.secret_box import SecretBox
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.errors import PUBLIC_NAME, SchemaOutOfDateError, describe
from agent_gateway_sqlalchemy.models import build_metadata
from agent_gateway_sqlalchemy.postgres.conversations import SqlAlchemyConversationStore
from agent_gateway_sqlalchemy.postgres.executions import SqlAlchemyExecutionStore
from agent_gateway_sqlalchemy.postgres.idempotency import SqlAlchemyIdempotencyStore
from agent_gateway_sqlalchemy.postgres.instances import SqlAlchemyInstanceStore
from agent_gateway_sqlalchemy.postgres.memories import SqlAlchemyMemoryManager
from agent_gateway_sqlalchemy.postgres.notifications import SqlAlchemyNotificationLogStore
from agent_gateway_sqlalchemy.postgres.schedule_locks import SqlAlchemyScheduleLock
from agent_gateway_sqlalchemy.postgres.schedules import SqlAlchemyScheduleStore
from agent_gateway_sqlalchemy.postgres.user_configs import (
    Sealer,
    SqlAlchemyMcpServerStore,
    SqlAlchemyUserConfigStore,
)
from agent_gateway_sqlalchemy.settings import MigrateMode, PersistenceSettings, SqliteSynchronous
from agent_gateway_sqlalchemy.sqlite.conversations import SqliteConversationStore
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase
from agent_gateway_sqlalchemy.sqlite.executions import SqliteExecutionStore
from agent_gateway_sqlalchemy.sqlite.idempotency import SqliteIdempotencyStore
from agent_gateway_sqlalchemy.sqlite.instances import SqliteInstanceStore
from agent_gateway_sqlalchemy.sqlite.memories import SqliteMemoryManager
from agent_gateway_sqlalchemy.sqlite.notifications import SqliteNotificationLogStore
from agent_gateway_sqlalchemy.sqlite.schedule_locks import SqliteScheduleLock
from agent_gateway_sqlalchemy.sqlite.schedules import SqliteScheduleStore
from agent_gateway_sqlalchemy.sqlite.schema import prepare_schema
from agent_gateway_sqlalchemy.sqlite.user_configs import (
    SqliteMcpServerStore,
    SqliteUserConfigStore,
)

_DIALECT_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True, slots=True)
class _Stores:
    executions: ExecutionStore
    conversations: ConversationStore
    schedules: ScheduleStore
    notifications: NotificationLogStore
    user_configs: UserConfigStore
    mcp_servers: McpServerStore
    idempotency: IdempotencyStore
    instances: InstanceStore
    schedule_locks: ScheduleLock
    memory: MemoryManager


class SqlAlchemyPersistence(PersistenceBackend):
    """Every store of the gateway in one SQLite file (or ``:memory:``) or PostgreSQL database.

    Constructing it validates the options and opens nothing; ``initialize()`` connects and
    checks (``migrate="check"``) or upgrades (``migrate="upgrade"``) the schema. An in-memory
    SQLite database starts empty every time, so it is always brought to the newest schema.
    Secrets of user configs and MCP credentials are sealed with ``secret_box`` before they
    reach the database. Beside the stores of the port, :attr:`memory` keeps the agents'
    long-term memories in the same database, timestamped by ``clock`` (the system clock by
    default).

    PostgreSQL runs on SQLAlchemy's async engine (asyncpg). SQLite runs every store call as one
    function on a thread of the backend's own, on one ``sqlite3`` connection in WAL mode (see
    :class:`~agent_gateway_sqlalchemy.sqlite.database.SqliteDatabase`); ``aclose()`` stops it.
    """

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        table_prefix: str = "",
        pool_size: int = 10,
        max_overflow: int = 20,
        secret_box: SecretBox | None = None,
        migrate: MigrateMode = "check",
        connect_timeout_seconds: float = 5.0,
        statement_timeout_seconds: float = 10.0,
        sqlite_synchronous: SqliteSynchronous = "normal",
        clock: Clock | None = None,
    ) -> None:
        self.settings = PersistenceSettings(
            url=url,
            schema=schema,
            table_prefix=table_prefix,
            pool_size=pool_size,
            max_overflow=max_overflow,
            migrate=migrate,
            connect_timeout_seconds=connect_timeout_seconds,
            statement_timeout_seconds=statement_timeout_seconds,
            sqlite_synchronous=sqlite_synchronous,
        )
        name = f"{_DIALECT_NAMES[self.settings.dialect]} at {self.settings.display_url}"
        tables = build_metadata(self.settings.table_prefix, self.settings.schema)
        sealer = Sealer(secret_box)
        self._database: SqliteDatabase | Database
        if self.settings.dialect == "sqlite":
            self._database = SqliteDatabase(self.settings, tables, name=name)
            self._stores = _sqlite_stores(self._database, sealer, clock)
        else:
            from agent_gateway_sqlalchemy.engine import create_engine

            self._database = Database(create_engine(self.settings), tables, name=name)
            self._stores = _postgres_stores(self._database, sealer, clock)

    @classmethod
    def from_settings(
        cls,
        settings: PersistenceSettings | Mapping[str, Any],
        *,
        secret_box: SecretBox | None = None,
        clock: Clock | None = None,
    ) -> SqlAlchemyPersistence:
        """A backend from :class:`PersistenceSettings` or a config mapping (see ``from_mapping``)."""
        if not isinstance(settings, PersistenceSettings):
            settings = PersistenceSettings.from_mapping(settings)
        return cls(
            settings.url,
            schema=settings.schema,
            table_prefix=settings.table_prefix,
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
            secret_box=secret_box,
            migrate=settings.migrate,
            connect_timeout_seconds=settings.connect_timeout_seconds,
            statement_timeout_seconds=settings.statement_timeout_seconds,
            sqlite_synchronous=settings.sqlite_synchronous,
            clock=clock,
        )

    @property
    def name(self) -> str:
        """What the database is, for messages: dialect and URL without the password."""
        return self._database.name

    @property
    def executions(self) -> ExecutionStore:
        return self._stores.executions

    @property
    def conversations(self) -> ConversationStore:
        return self._stores.conversations

    @property
    def schedules(self) -> ScheduleStore:
        return self._stores.schedules

    @property
    def notifications(self) -> NotificationLogStore:
        return self._stores.notifications

    @property
    def user_configs(self) -> UserConfigStore:
        return self._stores.user_configs

    @property
    def mcp_servers(self) -> McpServerStore:
        return self._stores.mcp_servers

    @property
    def idempotency(self) -> IdempotencyStore:
        return self._stores.idempotency

    @property
    def instances(self) -> InstanceStore:
        return self._stores.instances

    @property
    def schedule_locks(self) -> ScheduleLock:
        return self._stores.schedule_locks

    @property
    def memory(self) -> MemoryManager:
        """The agents' long-term memories, in this database (not a PersistenceBackend store:
        the gateway picks its memory backend on its own)."""
        return self._stores.memory

    async def initialize(self) -> None:
        """Connect, then check or upgrade the schema; calling it again changes nothing.

        With ``migrate="check"`` a database that was never migrated is created (the schema too),
        and a schema behind the code raises :class:`SchemaOutOfDateError` (a ``ConfigError``)
        naming the command to run. ``BackendUnavailableError`` when the database is down.
        """
        database = self._database
        if isinstance(database, SqliteDatabase):
            await prepare_schema(database)
            return
        from agent_gateway_sqlalchemy import migrations

        settings = self.settings
        async with database.transaction() as connection:
            fresh = await migrations.is_fresh(connection, settings.schema, settings.table_prefix)
            if settings.migrate == "upgrade" or fresh:
                await migrations.migrate(connection, settings.schema, settings.table_prefix)
                return
            revision = await migrations.current_revision(
                connection, settings.schema, settings.table_prefix
            )
        head = await migrations.head()
        if revision != head:
            known = revision is None or await migrations.is_known_revision(revision)
            raise SchemaOutOfDateError(self.name, revision, head, known=known)

    async def ping(self) -> None:
        """``SELECT 1``; ``BackendUnavailableError`` if no answer within the connect timeout."""
        timeout = self.settings.connect_timeout_seconds
        database = self._database
        try:
            async with asyncio.timeout(timeout):
                if isinstance(database, SqliteDatabase):
                    await database.run(_select_one)
                    return
                async with database.read() as connection:
                    await connection.execute(text("SELECT 1"))
        except TimeoutError as exc:
            raise BackendUnavailableError(
                f"{self.name} did not answer within {timeout:g} s: {describe(exc)}",
                backend=PUBLIC_NAME,
            ) from exc

    async def aclose(self) -> None:
        """Close every connection (and stop SQLite's thread); harmless when called again."""
        if isinstance(self._database, SqliteDatabase):
            await self._database.aclose()
        else:
            await self._database.engine.dispose()

    async def __aenter__(self) -> SqlAlchemyPersistence:
        await self.initialize()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


def _select_one(connection: sqlite3.Connection) -> None:
    connection.execute("SELECT 1").fetchall()


def _sqlite_stores(database: SqliteDatabase, sealer: Sealer, clock: Clock | None) -> _Stores:
    executions = SqliteExecutionStore(database)
    return _Stores(
        executions=executions,
        conversations=SqliteConversationStore(database),
        schedules=SqliteScheduleStore(database),
        notifications=SqliteNotificationLogStore(database),
        user_configs=SqliteUserConfigStore(database, sealer),
        mcp_servers=SqliteMcpServerStore(database, sealer),
        idempotency=SqliteIdempotencyStore(database),
        instances=SqliteInstanceStore(database, executions),
        schedule_locks=SqliteScheduleLock(database),
        memory=SqliteMemoryManager(database, clock),
    )


def _postgres_stores(database: Database, sealer: Sealer, clock: Clock | None) -> _Stores:
    executions = SqlAlchemyExecutionStore(database)
    return _Stores(
        executions=executions,
        conversations=SqlAlchemyConversationStore(database),
        schedules=SqlAlchemyScheduleStore(database),
        notifications=SqlAlchemyNotificationLogStore(database),
        user_configs=SqlAlchemyUserConfigStore(database, sealer),
        mcp_servers=SqlAlchemyMcpServerStore(database, sealer),
        idempotency=SqlAlchemyIdempotencyStore(database),
        instances=SqlAlchemyInstanceStore(database, executions),
        schedule_locks=SqlAlchemyScheduleLock(database),
        memory=SqlAlchemyMemoryManager(database, clock),
    )
