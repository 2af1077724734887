"""Per-user settings of a personal agent, and stored MCP server configurations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class UserAgentConfig(BaseModel):
    """``values`` are plain settings; ``secrets`` are encrypted at rest by the store's SecretBox."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    agent_id: str
    values: dict[str, Any] = Field(default_factory=dict)
    secrets: dict[str, str] = Field(default_factory=dict)
    updated_at: datetime


class McpServerConfig(BaseModel):
    """A registered MCP server; ``credentials`` are encrypted at rest."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    transport: str  # "stdio" | "streamable_http"
    command: str | None = None
    args: tuple[str, ...] = ()
    env: dict[str, str] = Field(default_factory=dict)
    url: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    credentials: dict[str, str] = Field(default_factory=dict)
    enabled: bool = True
    created_at: datetime
    updated_at: datetime


class IdempotencyRecord(BaseModel):
    """Maps a client's idempotency key to the execution it created."""

    model_config = ConfigDict(frozen=True)

    key: str
    scope: str  # e.g. the user id, so keys of different users never collide
    execution_id: str
    request_fingerprint: str
    created_at: datetime
    expires_at: datetime
