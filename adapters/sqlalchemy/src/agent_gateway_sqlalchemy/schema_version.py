"""The schema revision this package's code expects, known without importing alembic.

Startup only needs to know whether the database is already at this revision, or was never
migrated (then the schema is created at this revision); alembic (a third of a second to
import) is loaded only when an existing database has to be upgraded or is out of date. A test
keeps the constant equal to the newest revision in ``migrations/versions``.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table

HEAD_REVISION = "0007"


def version_table(table_prefix: str) -> str:
    return f"{table_prefix}alembic_version"


def version_table_definition(table_prefix: str) -> Table:
    """The version table as alembic creates it (``MigrationContext``'s default), so a database
    created without alembic is the one alembic would have left."""
    name = version_table(table_prefix)
    return Table(
        name,
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name=f"{name}_pkc"),
    )


def sqlite_has_table(connection: sqlite3.Connection, name: str) -> bool:
    """Whether this SQLite database has a table called ``name``."""
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return connection.execute(query, (name,)).fetchone() is not None


def sqlite_is_at_head(connection: sqlite3.Connection, table_prefix: str) -> bool:
    """Whether this SQLite database records exactly :data:`HEAD_REVISION`."""
    table = version_table(table_prefix)
    if not sqlite_has_table(connection, table):
        return False
    rows = connection.execute(f'SELECT version_num FROM "{table}"').fetchall()
    return [row[0] for row in rows] == [HEAD_REVISION]
