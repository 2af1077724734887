"""Secrets of user configs and MCP credentials never reach the database in plaintext."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from agent_gateway_core.errors import ConfigError, SecretDecryptionError
from agent_gateway_core.in_memory.secret_box import HmacSecretBox
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_sqlalchemy.models import build_metadata
from agent_gateway_testing.contracts.persistence.records import mcp_server, user_config

from .conftest import POSTGRES_URL

pytestmark = pytest.mark.integration

USER_SECRET = "sk-live-user-secret-0123456789"
MCP_SECRET = "mcp-bearer-credential-9876543210"
MCP_HEADER_SECRET = "Bearer header-secret-5555"
MCP_ENV_SECRET = "env-api-key-4444"


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    if request.param == "sqlite":
        return {"url": f"sqlite+aiosqlite:///{tmp_path}/secrets.db", "schema": None}
    return {"url": POSTGRES_URL, "schema": request.getfixturevalue("fresh_schema")}


@pytest.fixture
async def backend(
    database: dict[str, Any], secret_box: HmacSecretBox
) -> AsyncIterator[SqlAlchemyPersistence]:
    async with SqlAlchemyPersistence(
        database["url"], schema=database["schema"], secret_box=secret_box, migrate="upgrade"
    ) as persistence:
        yield persistence


async def every_stored_value(database: dict[str, Any]) -> str:
    """Every row of every table, read raw and joined into one text."""
    engine = create_async_engine(database["url"], poolclass=NullPool)
    rows: list[str] = []
    try:
        async with engine.connect() as connection:
            for table in build_metadata("", database["schema"]).metadata.sorted_tables:
                rows.extend(repr(tuple(row)) for row in await connection.execute(select(table)))
    finally:
        await engine.dispose()
    return "\n".join(rows)


async def test_no_secret_is_stored_in_plaintext(
    backend: SqlAlchemyPersistence, database: dict[str, Any]
) -> None:
    config = user_config("user-1", "agent-a", secrets={"api_key": USER_SECRET})
    server = mcp_server("files", credentials={"token": MCP_SECRET}).model_copy(
        update={
            "headers": {"Authorization": MCP_HEADER_SECRET},
            "env": {"GITHUB_TOKEN": MCP_ENV_SECRET},
        }
    )
    await backend.user_configs.save(config)
    await backend.mcp_servers.save(server)
    stored = await every_stored_value(database)
    assert "api_key" in stored  # the rows were read: the secret's name is there ...
    assert USER_SECRET not in stored  # ... but never its value
    assert MCP_SECRET not in stored
    assert "GITHUB_TOKEN" in stored  # names of headers and environment variables are kept ...
    assert MCP_HEADER_SECRET not in stored  # ... their values are sealed like credentials
    assert MCP_ENV_SECRET not in stored
    assert await backend.user_configs.get("user-1", "agent-a") == config
    assert await backend.mcp_servers.get(server.id) == server


async def test_reading_with_another_key_raises_decryption_error(
    backend: SqlAlchemyPersistence, database: dict[str, Any]
) -> None:
    await backend.user_configs.save(user_config("user-1", "agent-a"))
    async with SqlAlchemyPersistence(
        database["url"], schema=database["schema"], secret_box=HmacSecretBox(b"another key")
    ) as other:
        with pytest.raises(SecretDecryptionError, match="another key"):
            await other.user_configs.get("user-1", "agent-a")


async def test_without_a_secret_box_secrets_are_refused_but_plain_settings_work(
    backend: SqlAlchemyPersistence, database: dict[str, Any]
) -> None:
    await backend.mcp_servers.save(mcp_server("sealed"))
    async with SqlAlchemyPersistence(database["url"], schema=database["schema"]) as keyless:
        with pytest.raises(ConfigError, match="AGENT_GATEWAY_SECRET_KEY"):
            await keyless.user_configs.save(user_config("user-1", "agent-a"))
        with pytest.raises(ConfigError, match="AGENT_GATEWAY_SECRET_KEY"):
            await keyless.mcp_servers.get_by_name("sealed")
        plain = user_config("user-2", "agent-a", secrets={})
        await keyless.user_configs.save(plain)
        assert await keyless.user_configs.get("user-2", "agent-a") == plain
