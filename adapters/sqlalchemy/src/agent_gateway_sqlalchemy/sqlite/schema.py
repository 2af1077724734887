"""prepare_schema: check or upgrade a SQLite schema at startup, on the database's thread."""

from __future__ import annotations

import sqlite3

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.pool import StaticPool

from agent_gateway_sqlalchemy.errors import SchemaOutOfDateError
from agent_gateway_sqlalchemy.schema_version import sqlite_is_at_head
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase


async def prepare_schema(database: SqliteDatabase) -> None:
    """Upgrade the schema (``migrate="upgrade"``, an in-memory or a never-migrated database),
    or check it is at head: :class:`SchemaOutOfDateError` naming both revisions if not.

    Alembic runs through a blocking SQLAlchemy engine over the database's own connection, on
    its thread, so an in-memory database is migrated where the stores will find it.
    """
    settings = database.settings
    prefix = settings.table_prefix

    def prepare(raw: sqlite3.Connection) -> None:
        if not settings.in_memory and sqlite_is_at_head(raw, prefix):
            return  # the usual start: up to date, and alembic never loaded
        from agent_gateway_sqlalchemy import migrations

        # Never disposed: disposing would close the connection, which the thread owns.
        engine = create_engine("sqlite+pysqlite://", creator=lambda: raw, poolclass=StaticPool)
        event.listen(engine, "begin", _begin_immediately)
        with engine.begin() as connection:
            fresh = migrations.is_fresh_on(connection, None, prefix)
            if settings.migrate == "upgrade" or settings.in_memory or fresh:
                migrations.upgrade_on(connection, None, prefix)
                return
            revision = migrations.revision_on(connection, None, prefix)
        head = migrations.head_revision()
        if revision != head:
            known = revision is None or migrations.known_revision(revision)
            raise SchemaOutOfDateError(database.name, revision, head, known=known)

    await database.run(prepare)


def _begin_immediately(connection: Connection) -> None:
    # The driver, in autocommit, emits no BEGIN for SQLAlchemy's transaction: say it here.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
