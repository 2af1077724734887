"""Alembic environment of agent-gateway-sqlalchemy.

The schema and table prefix come from ``config.attributes`` (set by
:mod:`agent_gateway_sqlalchemy.migrations`) or, from the alembic command line, from
``-x schema=... -x table_prefix=...``. Migrations run on the connection passed in
``config.attributes["connection"]``; without one, on an async engine made from
``sqlalchemy.url``; with ``--sql``, offline into a script.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateSchema

from agent_gateway_sqlalchemy.engine import create_engine
from agent_gateway_sqlalchemy.models import build_metadata
from agent_gateway_sqlalchemy.settings import PersistenceSettings

config = context.config
arguments = context.get_x_argument(as_dictionary=True)
schema = config.attributes.get("schema", arguments.get("schema")) or None
table_prefix = config.attributes.get("table_prefix", arguments.get("table_prefix", ""))
# Revision scripts read both from here (see migrations/names.py).
config.attributes.update(schema=schema, table_prefix=table_prefix)
options: dict[str, Any] = {
    "target_metadata": build_metadata(table_prefix, schema).metadata,
    "version_table": f"{table_prefix}alembic_version",
    "version_table_schema": schema,
}


def run_on(connection: Connection) -> None:
    if schema is not None:
        connection.execute(CreateSchema(schema, if_not_exists=True))
    context.configure(
        connection=connection, render_as_batch=connection.dialect.name == "sqlite", **options
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_on_own_engine(url: str) -> None:
    settings = PersistenceSettings(url=url, schema=schema, table_prefix=table_prefix)
    engine = create_engine(settings, pooled=False)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_on)
    finally:
        await engine.dispose()


def main() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
    elif (connection := config.attributes.get("connection")) is not None:
        run_on(connection)
    else:
        asyncio.run(run_on_own_engine(url or ""))


main()
