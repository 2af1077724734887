"""The SQLite side of the backend: one connection on one thread, statements compiled once.

Every store call is one function run on that thread (:class:`SqliteDatabase`), executing
SQLAlchemy Core statements compiled once to SQLite's SQL (:class:`SqliteStatement`) on a plain
``sqlite3`` connection. PostgreSQL keeps the async engine and :mod:`agent_gateway_sqlalchemy.postgres`.
"""
