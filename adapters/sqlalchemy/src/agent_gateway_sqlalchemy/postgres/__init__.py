"""The PostgreSQL stores, one per module, on the shared async ``Database``.

SQLite has its own, in :mod:`agent_gateway_sqlalchemy.sqlite`; both build the same Core
statements over the same tables.
"""
