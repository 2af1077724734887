"""Agent Gateway persistence on SQLAlchemy: SQLite (sqlite3, on a thread of its own) and
PostgreSQL (asyncpg).

``SqlAlchemyPersistence`` implements the ``PersistenceBackend`` port; the schema is managed by
the alembic migrations in :mod:`agent_gateway_sqlalchemy.migrations`. Importing this package
does no I/O and opens no connection.
"""

from agent_gateway_sqlalchemy.backend import SqlAlchemyPersistence
from agent_gateway_sqlalchemy.errors import SchemaOutOfDateError
from agent_gateway_sqlalchemy.settings import PersistenceSettings

__all__ = ["PersistenceSettings", "SchemaOutOfDateError", "SqlAlchemyPersistence"]
