"""The schema's alembic migrations, and async helpers to apply them (the ``agents-gateway db`` CLI).

Each helper takes the database URL, the PostgreSQL ``schema`` and the ``table_prefix``; the
version table is ``{table_prefix}alembic_version`` in that schema. Unreachable databases raise
:class:`~agent_gateway_core.errors.BackendUnavailableError`; unknown revisions raise
:class:`~agent_gateway_core.errors.ConfigError`.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from agent_gateway_core.errors import ConfigError
from agent_gateway_sqlalchemy.engine import create_engine, ensure_sqlite_directory
from agent_gateway_sqlalchemy.errors import translated_errors
from agent_gateway_sqlalchemy.settings import PersistenceSettings

SCRIPT_LOCATION = str(Path(__file__).parent)


async def upgrade(
    url: str, schema: str | None = None, table_prefix: str = "", revision: str = "head"
) -> None:
    """Upgrade the database to ``revision`` (default: the newest), creating the schema first."""
    async with _connection(url, schema, table_prefix) as connection:
        await migrate(connection, schema, table_prefix, revision)


async def downgrade(
    url: str, schema: str | None = None, table_prefix: str = "", revision: str = "-1"
) -> None:
    """Downgrade to ``revision`` (default: one step back; ``"base"`` drops every table)."""
    async with _connection(url, schema, table_prefix) as connection:
        await _serialised_without_timeout(connection, schema, table_prefix)
        await connection.run_sync(_run, schema, table_prefix, command.downgrade, revision)


async def current(url: str, schema: str | None = None, table_prefix: str = "") -> str | None:
    """The revision the database is at; ``None`` if it was never migrated."""
    async with _connection(url, schema, table_prefix) as connection:
        return await current_revision(connection, schema, table_prefix)


async def head() -> str:
    """The newest revision this version of the package ships."""
    return await asyncio.to_thread(head_revision)


def head_revision() -> str:
    """:func:`head`, blocking (it reads the scripts folder once)."""
    return _scripts().get_current_head() or ""


async def migrate(
    connection: AsyncConnection, schema: str | None, table_prefix: str, revision: str = "head"
) -> None:
    """Upgrade on ``connection``, inside its transaction (used by ``initialize()`` as well)."""
    await _serialised_without_timeout(connection, schema, table_prefix)
    await connection.run_sync(upgrade_on, schema, table_prefix, revision)


def upgrade_on(
    connection: Connection, schema: str | None, table_prefix: str, revision: str = "head"
) -> None:
    """:func:`migrate` on a blocking connection, inside its transaction."""
    _run(connection, schema, table_prefix, command.upgrade, revision)


async def current_revision(
    connection: AsyncConnection, schema: str | None, table_prefix: str
) -> str | None:
    """The revision recorded in the version table on ``connection``, or ``None``."""
    return await connection.run_sync(revision_on, schema, table_prefix)


def revision_on(connection: Connection, schema: str | None, table_prefix: str) -> str | None:
    """:func:`current_revision` on a blocking connection."""
    context = MigrationContext.configure(
        connection,
        opts={"version_table": f"{table_prefix}alembic_version", "version_table_schema": schema},
    )
    return context.get_current_revision()


async def is_fresh(connection: AsyncConnection, schema: str | None, table_prefix: str) -> bool:
    """Whether migrations never ran here: no version table at all (not merely an empty one,
    which is what downgrading to base leaves behind)."""
    return await connection.run_sync(is_fresh_on, schema, table_prefix)


def is_fresh_on(connection: Connection, schema: str | None, table_prefix: str) -> bool:
    """:func:`is_fresh` on a blocking connection."""
    inspector = sa_inspect(connection)
    return not inspector.has_table(f"{table_prefix}alembic_version", schema=schema)


async def is_known_revision(revision: str) -> bool:
    """Whether this package ships ``revision`` (a database migrated by a newer one may not)."""
    return await asyncio.to_thread(known_revision, revision)


def known_revision(revision: str) -> bool:
    """:func:`is_known_revision`, blocking."""
    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory(SCRIPT_LOCATION)


def alembic_config(schema: str | None, table_prefix: str) -> Config:
    """An alembic Config for this package's scripts, the schema and the prefix."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes.update(schema=schema, table_prefix=table_prefix)
    return config


def _run(
    connection: Connection,
    schema: str | None,
    table_prefix: str,
    action: Callable[[Config, str], None],
    revision: str,
) -> None:
    config = alembic_config(schema, table_prefix)
    config.attributes["connection"] = connection
    try:
        action(config, revision)
    except CommandError as exc:
        raise ConfigError(f"cannot migrate to revision {revision!r}: {exc}") from exc


async def _serialised_without_timeout(
    connection: AsyncConnection, schema: str | None, table_prefix: str
) -> None:
    """On PostgreSQL: no statement timeout, and one migrator at a time per schema and prefix."""
    if connection.dialect.name != "postgresql":
        return  # SQLite: the first DDL or write takes the database-wide write lock anyway
    digest = hashlib.sha256(f"agent-gateway:{schema}:{table_prefix}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    await connection.execute(text("SET LOCAL statement_timeout = 0"))
    await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


@asynccontextmanager
async def _connection(
    url: str, schema: str | None, table_prefix: str
) -> AsyncIterator[AsyncConnection]:
    settings = PersistenceSettings(url=url, schema=schema, table_prefix=table_prefix)
    await ensure_sqlite_directory(settings)
    engine = create_engine(settings, pooled=False)
    try:
        with translated_errors(settings.display_url):
            async with engine.begin() as connection:
                yield connection
    finally:
        await engine.dispose()
