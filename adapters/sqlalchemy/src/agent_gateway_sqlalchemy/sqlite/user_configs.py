"""UserConfigStore and McpServerStore on SQLite: secrets reach the database sealed."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import bindparam, delete, select

from agent_gateway_core.domain.user_config import McpServerConfig, UserAgentConfig
from agent_gateway_core.errors import DuplicateError
from agent_gateway_core.ports.persistence.user_config import McpServerStore, UserConfigStore
from agent_gateway_sqlalchemy.postgres.statements import upsert
from agent_gateway_sqlalchemy.postgres.user_configs import MCP_SEALED_FIELDS, Sealer
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase
from agent_gateway_sqlalchemy.sqlite.statement import SqliteStatement


class SqliteUserConfigStore(UserConfigStore):
    """Configs keyed by (user_id, agent_id); ``secrets`` holds SecretBox tokens only."""

    def __init__(self, database: SqliteDatabase, sealer: Sealer) -> None:
        self._db = database
        self._sealer = sealer
        configs = database.tables.user_agent_configs
        mine = (configs.user_id == bindparam("user"), configs.agent_id == bindparam("agent"))
        self._upsert = database.compile(upsert("sqlite", configs, ["user_id", "agent_id"]))
        self._get = database.compile(select(configs).where(*mine))
        self._list = database.compile(
            select(configs).where(configs.user_id == bindparam("user")).order_by(configs.agent_id)
        )
        self._delete = database.compile(delete(configs).where(*mine))

    async def save(self, config: UserAgentConfig) -> None:
        row = config.model_dump() | {"secrets": self._sealer.seal(config.secrets)}
        await self._db.run(lambda connection: self._upsert.run(connection, row))

    async def get(self, user_id: str, agent_id: str) -> UserAgentConfig | None:
        key = {"user": user_id, "agent": agent_id}
        row = await self._db.run(lambda connection: self._get.first(connection, key))
        return self._config(row) if row else None

    async def list_for_user(self, user_id: str) -> list[UserAgentConfig]:
        rows = await self._db.run(lambda connection: self._list.all(connection, {"user": user_id}))
        return [self._config(row) for row in rows]

    async def delete(self, user_id: str, agent_id: str) -> bool:
        key = {"user": user_id, "agent": agent_id}
        return await self._db.run(lambda connection: self._delete.run(connection, key)) > 0

    def _config(self, values: dict[str, Any]) -> UserAgentConfig:
        values["secrets"] = self._sealer.open(values["secrets"])
        return UserAgentConfig.model_validate(values)


class SqliteMcpServerStore(McpServerStore):
    """MCP servers keyed by id with unique names; ``env``, ``headers`` and ``credentials``
    hold SecretBox tokens only (an Authorization header or an API key in the environment is
    as secret as a credential)."""

    def __init__(self, database: SqliteDatabase, sealer: Sealer) -> None:
        self._db = database
        self._sealer = sealer
        servers = database.tables.mcp_servers
        self._upsert = database.compile(upsert("sqlite", servers, ["id"]))
        self._get = database.compile(select(servers).where(servers.id == bindparam("id")))
        self._get_by_name = database.compile(
            select(servers).where(servers.name == bindparam("name"))
        )
        self._list = database.compile(select(servers).order_by(servers.name))
        self._delete = database.compile(delete(servers).where(servers.id == bindparam("id")))

    async def save(self, config: McpServerConfig) -> None:
        row = config.model_dump() | self._sealer.seal_fields(config, MCP_SEALED_FIELDS)

        def save(connection: sqlite3.Connection) -> None:
            try:
                self._upsert.run(connection, row)
            except sqlite3.IntegrityError as exc:  # the only other unique key is the name
                raise DuplicateError(
                    f"an MCP server named {config.name!r} already exists with another id"
                ) from exc

        await self._db.run(save)

    async def get(self, server_id: str) -> McpServerConfig | None:
        return await self._one(self._get, {"id": server_id})

    async def get_by_name(self, name: str) -> McpServerConfig | None:
        return await self._one(self._get_by_name, {"name": name})

    async def list_all(self) -> list[McpServerConfig]:
        rows = await self._db.run(self._list.all)
        return [self._config(row) for row in rows]

    async def delete(self, server_id: str) -> bool:
        key = {"id": server_id}
        return await self._db.run(lambda connection: self._delete.run(connection, key)) > 0

    async def _one(self, statement: SqliteStatement, key: dict[str, str]) -> McpServerConfig | None:
        row = await self._db.run(lambda connection: statement.first(connection, key))
        return self._config(row) if row else None

    def _config(self, values: dict[str, Any]) -> McpServerConfig:
        values |= self._sealer.open_fields(values, MCP_SEALED_FIELDS)
        return McpServerConfig.model_validate(values)
