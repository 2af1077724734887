"""prepare_schema: create, check or upgrade a SQLite schema at startup, on the database's thread."""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex, CreateTable

from agent_gateway_sqlalchemy.errors import SchemaOutOfDateError
from agent_gateway_sqlalchemy.schema_version import (
    HEAD_REVISION,
    sqlite_has_table,
    sqlite_is_at_head,
    version_table,
    version_table_definition,
)
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase

logger = logging.getLogger(__name__)


async def prepare_schema(database: SqliteDatabase) -> None:
    """Create the schema of a database that was never migrated (a new file, ``:memory:``),
    upgrade an older one with ``migrate="upgrade"``, else check it is at head:
    :class:`SchemaOutOfDateError` naming both revisions if not.

    A new database gets the tables straight from the models, then the head revision is
    recorded, exactly as migrating it would leave it (a test compares the two schemas): the
    first start of a gateway does not wait for alembic. Alembic runs only to upgrade an
    existing database, through a blocking SQLAlchemy engine over the database's own
    connection, on its thread.
    """
    settings = database.settings
    prefix = settings.table_prefix

    def prepare(raw: sqlite3.Connection) -> None:
        if sqlite_is_at_head(raw, prefix):
            return  # the usual start: up to date, and alembic never loaded
        if _created_if_never_migrated(database, raw) or sqlite_is_at_head(raw, prefix):
            return  # a new database, created here or by another process meanwhile
        from agent_gateway_sqlalchemy import migrations

        # Never disposed: disposing would close the connection, which the thread owns.
        engine = create_engine("sqlite+pysqlite://", creator=lambda: raw, poolclass=StaticPool)
        event.listen(engine, "begin", _begin_immediately)
        with engine.begin() as connection:
            if settings.migrate == "upgrade":
                migrations.upgrade_on(connection, None, prefix)
                return
            revision = migrations.revision_on(connection, None, prefix)
        head = migrations.head_revision()
        if revision != head:
            known = revision is None or migrations.known_revision(revision)
            raise SchemaOutOfDateError(database.name, revision, head, known=known)

    await database.run(prepare)


def _created_if_never_migrated(database: SqliteDatabase, raw: sqlite3.Connection) -> bool:
    """Create the head schema if migrations never ran here (no version table at all, not
    merely an empty one, which is what downgrading to base leaves behind)."""
    prefix = database.settings.table_prefix
    # BEGIN IMMEDIATE: of two processes creating the same new file, the second waits for the
    # first's commit, then finds the version table and creates nothing.
    raw.execute("BEGIN IMMEDIATE")
    try:
        if sqlite_has_table(raw, version_table(prefix)):
            raw.execute("COMMIT")
            return False
        for statement in _schema_statements(database):
            raw.execute(statement)
        raw.execute(
            f'INSERT INTO "{version_table(prefix)}" (version_num) VALUES (?)', (HEAD_REVISION,)
        )
        raw.execute("COMMIT")
    except BaseException:
        raw.rollback()
        raise
    logger.info("created the schema of %s (revision %s)", database.name, HEAD_REVISION)
    return True


def _schema_statements(database: SqliteDatabase) -> list[str]:
    """The DDL of the head schema: the version table, then each table and its indexes."""
    dialect = database.dialect
    tables = [version_table_definition(database.settings.table_prefix)]
    tables += database.tables.metadata.sorted_tables
    statements = []
    for table in tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)))
        for index in sorted(table.indexes, key=lambda index: str(index.name)):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)))
    return statements


def _begin_immediately(connection: Connection) -> None:
    # The driver, in autocommit, emits no BEGIN for SQLAlchemy's transaction: say it here.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
