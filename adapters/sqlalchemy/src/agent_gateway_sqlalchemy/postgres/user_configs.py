"""UserConfigStore and McpServerStore on SQLAlchemy: secrets reach the database sealed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from agent_gateway_core.domain.user_config import McpServerConfig, UserAgentConfig
from agent_gateway_core.errors import DuplicateError, SecretKeyMissingError
from agent_gateway_core.ports.persistence.user_config import McpServerStore, UserConfigStore
from agent_gateway_core.ports.secret_box import SecretBox
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.postgres.statements import upsert

MCP_SEALED_FIELDS = ("env", "headers", "credentials")

_NO_KEY = (
    "storing or reading secrets needs a secret key: set AGENT_GATEWAY_SECRET_KEY "
    "(or pass secret_box= to SqlAlchemyPersistence)"
)


class Sealer:
    """Encrypts secret values on the way in and decrypts them on the way out.

    Without a SecretBox, empty secret maps still pass; any secret raises ``ConfigError``.
    """

    def __init__(self, box: SecretBox | None) -> None:
        self._box = box

    def seal(self, values: Mapping[str, str]) -> dict[str, str]:
        if not values:
            return {}
        box = self._required()
        return {name: box.encrypt(value) for name, value in values.items()}

    def open(self, tokens: Mapping[str, str]) -> dict[str, str]:
        if not tokens:
            return {}
        box = self._required()
        return {name: box.decrypt(token) for name, token in tokens.items()}

    def seal_fields(self, record: BaseModel, fields: Iterable[str]) -> dict[str, dict[str, str]]:
        """The ``fields`` of ``record`` (each a name -> secret map), sealed."""
        return {name: self.seal(getattr(record, name)) for name in fields}

    def open_fields(
        self, values: Mapping[str, Any], fields: Iterable[str]
    ) -> dict[str, dict[str, str]]:
        """The ``fields`` of a stored row, opened."""
        return {name: self.open(values[name]) for name in fields}

    def _required(self) -> SecretBox:
        if self._box is None:
            raise SecretKeyMissingError(_NO_KEY)
        return self._box


class SqlAlchemyUserConfigStore(UserConfigStore):
    """Configs keyed by (user_id, agent_id); ``secrets`` holds SecretBox tokens only."""

    def __init__(self, database: Database, sealer: Sealer) -> None:
        self._db = database
        self._sealer = sealer
        configs = self._configs = database.tables.user_agent_configs
        self._upsert = upsert(database.dialect, configs, ["user_id", "agent_id"])
        self._get = select(configs).where(
            configs.user_id == bindparam("user"), configs.agent_id == bindparam("agent")
        )
        self._list = (
            select(configs).where(configs.user_id == bindparam("user")).order_by(configs.agent_id)
        )
        self._delete = delete(configs).where(
            configs.user_id == bindparam("user"), configs.agent_id == bindparam("agent")
        )

    async def save(self, config: UserAgentConfig) -> None:
        row = config.model_dump() | {"secrets": self._sealer.seal(config.secrets)}
        async with self._db.write() as connection:
            await connection.execute(self._upsert, row)

    async def get(self, user_id: str, agent_id: str) -> UserAgentConfig | None:
        async with self._db.read() as connection:
            row = (
                await connection.execute(self._get, {"user": user_id, "agent": agent_id})
            ).first()
        return self._config(row._asdict()) if row else None

    async def list_for_user(self, user_id: str) -> list[UserAgentConfig]:
        async with self._db.read() as connection:
            rows = (await connection.execute(self._list, {"user": user_id})).all()
        return [self._config(row._asdict()) for row in rows]

    async def delete(self, user_id: str, agent_id: str) -> bool:
        async with self._db.write() as connection:
            result = await connection.execute(self._delete, {"user": user_id, "agent": agent_id})
        return result.rowcount > 0

    def _config(self, values: dict[str, Any]) -> UserAgentConfig:
        values["secrets"] = self._sealer.open(values["secrets"])
        return UserAgentConfig.model_validate(values)


class SqlAlchemyMcpServerStore(McpServerStore):
    """MCP servers keyed by id with unique names; ``env``, ``headers`` and ``credentials``
    hold SecretBox tokens only (an Authorization header or an API key in the environment is
    as secret as a credential)."""

    def __init__(self, database: Database, sealer: Sealer) -> None:
        self._db = database
        self._sealer = sealer
        servers = self._servers = database.tables.mcp_servers
        self._upsert = upsert(database.dialect, servers, ["id"])
        self._get = select(servers).where(servers.id == bindparam("id"))
        self._get_by_name = select(servers).where(servers.name == bindparam("name"))
        self._list = select(servers).order_by(servers.name)
        self._delete = delete(servers).where(servers.id == bindparam("id"))

    async def save(self, config: McpServerConfig) -> None:
        row = config.model_dump() | self._sealer.seal_fields(config, MCP_SEALED_FIELDS)
        async with self._db.write() as connection:
            try:
                await connection.execute(self._upsert, row)
            except IntegrityError as exc:  # the only other unique key is the name
                raise DuplicateError(
                    f"an MCP server named {config.name!r} already exists with another id"
                ) from exc

    async def get(self, server_id: str) -> McpServerConfig | None:
        return await self._one(self._get, {"id": server_id})

    async def get_by_name(self, name: str) -> McpServerConfig | None:
        return await self._one(self._get_by_name, {"name": name})

    async def list_all(self) -> list[McpServerConfig]:
        async with self._db.read() as connection:
            rows = (await connection.execute(self._list)).all()
        return [self._config(row._asdict()) for row in rows]

    async def delete(self, server_id: str) -> bool:
        async with self._db.write() as connection:
            result = await connection.execute(self._delete, {"id": server_id})
        return result.rowcount > 0

    async def _one(self, statement: Any, params: dict[str, str]) -> McpServerConfig | None:
        async with self._db.read() as connection:
            row = (await connection.execute(statement, params)).first()
        return self._config(row._asdict()) if row else None

    def _config(self, values: dict[str, Any]) -> McpServerConfig:
        values |= self._sealer.open_fields(values, MCP_SEALED_FIELDS)
        return McpServerConfig.model_validate(values)
