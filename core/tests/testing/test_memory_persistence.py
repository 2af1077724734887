"""InMemoryPersistence beyond its contract: outages, sealed secrets, copies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.domain.user_config import (
    IdempotencyRecord,
    McpServerConfig,
    UserAgentConfig,
)
from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.persistence import ExecutionQuery, NotificationQuery
from agent_gateway_core.testing import HmacSecretBox, InMemoryPersistence

pytestmark = pytest.mark.unit

T0 = datetime(2025, 1, 1, tzinfo=UTC)


class TokenRecordingBox(HmacSecretBox):
    """An HmacSecretBox that remembers every token it produced."""

    def __init__(self) -> None:
        super().__init__("test-key")
        self.tokens: list[str] = []

    def encrypt(self, plaintext: str) -> str:
        token = super().encrypt(plaintext)
        self.tokens.append(token)
        return token


def _store_calls(p: InMemoryPersistence) -> list[Callable[[], Awaitable[Any]]]:
    return [
        lambda: p.executions.get("x"),
        lambda: p.executions.query(ExecutionQuery()),
        lambda: p.executions.list_events("x"),
        lambda: p.conversations.get("x"),
        lambda: p.conversations.list_for_user("u"),
        lambda: p.conversations.delete("x"),
        lambda: p.schedules.list_all(),
        lambda: p.schedules.soft_delete("x"),
        lambda: p.notifications.query(NotificationQuery()),
        lambda: p.user_configs.list_for_user("u"),
        lambda: p.mcp_servers.list_all(),
        lambda: p.idempotency.purge_expired(T0),
        p.ping,
    ]


async def test_an_outage_makes_every_call_raise_backend_unavailable() -> None:
    persistence = InMemoryPersistence()
    persistence.available = False
    for call in _store_calls(persistence):
        with pytest.raises(BackendUnavailableError, match="in-memory persistence is unavailable"):
            await call()


async def test_a_write_during_an_outage_changes_nothing() -> None:
    persistence = InMemoryPersistence()
    persistence.available = False
    record = ExecutionRecord(id="e1", agent_id="a", status=ExecutionStatus.QUEUED, created_at=T0)
    with pytest.raises(BackendUnavailableError):
        await persistence.executions.create(record)
    persistence.available = True
    assert await persistence.executions.get("e1") is None


async def test_the_backend_answers_again_after_the_outage() -> None:
    persistence = InMemoryPersistence()
    persistence.available = False
    persistence.available = True
    assert persistence.available is True
    await persistence.ping()
    assert await persistence.executions.get("x") is None


async def test_user_config_secrets_are_sealed_by_the_secret_box() -> None:
    box = TokenRecordingBox()
    persistence = InMemoryPersistence(secret_box=box)
    config = UserAgentConfig(
        user_id="u1", agent_id="a", secrets={"api_key": "sk-plaintext-secret"}, updated_at=T0
    )
    await persistence.user_configs.save(config)
    assert len(box.tokens) == 1
    assert "sk-plaintext-secret" not in box.tokens[0]
    assert box.decrypt(box.tokens[0]) == "sk-plaintext-secret"
    assert await persistence.user_configs.get("u1", "a") == config


async def test_mcp_credentials_are_sealed_by_the_secret_box() -> None:
    box = TokenRecordingBox()
    persistence = InMemoryPersistence(secret_box=box)
    config = McpServerConfig(
        id="m1",
        name="files",
        transport="stdio",
        credentials={"token": "mcp-plaintext", "user": "me"},
        created_at=T0,
        updated_at=T0,
    )
    await persistence.mcp_servers.save(config)
    assert len(box.tokens) == 2
    assert not any("mcp-plaintext" in token for token in box.tokens)
    assert await persistence.mcp_servers.get("m1") == config


async def test_stored_records_are_copies_the_caller_cannot_mutate() -> None:
    persistence = InMemoryPersistence()
    record = ExecutionRecord(
        id="e1", agent_id="a", status=ExecutionStatus.QUEUED, input={"k": 1}, created_at=T0
    )
    await persistence.executions.create(record)
    record.input["k"] = 2
    fetched = await persistence.executions.get("e1")
    assert fetched is not None
    fetched.input["k"] = 3
    again = await persistence.executions.get("e1")
    assert again is not None
    assert again.input == {"k": 1}


async def test_stores_work_without_initialize_and_after_aclose() -> None:
    persistence = InMemoryPersistence()
    claim = IdempotencyRecord(
        key="k",
        scope="s",
        execution_id="e",
        request_fingerprint="f",
        created_at=T0,
        expires_at=datetime(2025, 1, 2, tzinfo=UTC),
    )
    assert await persistence.idempotency.claim(claim) is None
    await persistence.aclose()
    assert await persistence.idempotency.get("s", "k", now=T0) == claim
