"""Secrets reach the database encrypted: the raw bytes of the SQLite file never hold them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent_gateway import Gateway
from agent_gateway_core.domain.user_config import McpServerConfig, UserAgentConfig
from agent_gateway_core.errors import SecretDecryptionError

from .conftest import WriteWorkspace

pytestmark = pytest.mark.integration

API_KEY = "sk-live-PLAINTEXT-0123456789"
TOKEN = "ghp_PLAINTEXT_token_9876543210"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def raw_database_bytes(folder: Path) -> bytes:
    """The database with its journal files, whatever SQLite has not checkpointed yet."""
    return b"".join(file.read_bytes() for file in sorted(folder.glob("gateway.db*")))


async def save_secrets(gw: Gateway) -> None:
    assert gw.services is not None
    store = gw.services.persistence
    await store.user_configs.save(
        UserAgentConfig(
            user_id="alice",
            agent_id="assistant",
            values={"region": "eu-west"},
            secrets={"api_key": API_KEY},
            updated_at=NOW,
        )
    )
    await store.mcp_servers.save(
        McpServerConfig(
            id="mcp_1",
            name="github",
            transport="streamable_http",
            url="https://mcp.example.test/mcp",
            credentials={"token": TOKEN},
            created_at=NOW,
            updated_at=NOW,
        )
    )


async def test_no_secret_is_stored_in_plaintext_and_each_reads_back_after_a_restart(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    workspace = write_workspace(
        f"persistence:\n  backend: sqlite\n  path: {folder / 'gateway.db'}\n"
    )
    async with Gateway(workspace=workspace) as gw:
        await save_secrets(gw)

    raw = raw_database_bytes(folder)
    assert b"eu-west" in raw
    assert b"github" in raw
    assert API_KEY.encode() not in raw  # ...their secrets are not
    assert TOKEN.encode() not in raw
    assert b"PLAINTEXT" not in raw

    async with Gateway(workspace=workspace) as gw:  # the key file beside the database is reused
        assert gw.services is not None
        config = await gw.services.persistence.user_configs.get("alice", "assistant")
        server = await gw.services.persistence.mcp_servers.get_by_name("github")
    assert config is not None
    assert config.secrets == {"api_key": API_KEY}
    assert server is not None
    assert server.credentials == {"token": TOKEN}


async def test_secrets_stored_with_one_key_are_refused_under_another(
    write_workspace: WriteWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = write_workspace(
        f"persistence:\n  backend: sqlite\n  path: {tmp_path / 'gateway.db'}\n"
    )
    monkeypatch.setenv("AGENT_GATEWAY_SECRET_KEY", "the first key")
    async with Gateway(workspace=workspace) as gw:
        await save_secrets(gw)

    monkeypatch.setenv("AGENT_GATEWAY_SECRET_KEY", "a different key")
    async with Gateway(workspace=workspace) as gw:
        assert gw.services is not None
        with pytest.raises(SecretDecryptionError, match="another key"):
            await gw.services.persistence.user_configs.get("alice", "assistant")
