"""Per-user settings of a personal agent, and stored MCP server configurations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

ANONYMOUS_USER_ID = "anonymous"
"""Whose configuration of a personal agent a call without a user (authentication off, an
embedded runtime called without ``user_id``) reads and writes: one shared local user."""


def config_owner(user_id: str | None) -> str:
    """The user id a personal agent's configuration is kept under for a caller."""
    return user_id or ANONYMOUS_USER_ID


class UserAgentConfig(BaseModel):
    """A user's configuration of a personal agent.

    ``values`` are plain settings; ``secrets`` (the ``sensitive`` fields of the agent's
    ``setup_schema``) are encrypted at rest by the store's SecretBox. ``instructions`` are the
    user's own words for the agent's system prompt. A config whose ``setup_completed`` is
    false does not let the agent run.
    """

    model_config = ConfigDict(frozen=True)

    user_id: str
    agent_id: str
    values: dict[str, Any] = Field(default_factory=dict)
    secrets: dict[str, str] = Field(default_factory=dict, repr=False)
    instructions: str | None = None
    setup_completed: bool = True
    created_at: datetime | None = None
    updated_at: datetime


class AgentConfigView(BaseModel):
    """A :class:`UserAgentConfig` as it may be shown: secrets by name only, never their values."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    agent_id: str
    values: dict[str, Any] = Field(default_factory=dict)
    secret_names: tuple[str, ...] = ()
    instructions: str | None = None
    setup_completed: bool = True
    created_at: datetime | None = None
    updated_at: datetime

    @classmethod
    def of(cls, config: UserAgentConfig) -> AgentConfigView:
        return cls(
            user_id=config.user_id,
            agent_id=config.agent_id,
            values=config.values,
            secret_names=tuple(sorted(config.secrets)),
            instructions=config.instructions,
            setup_completed=config.setup_completed,
            created_at=config.created_at,
            updated_at=config.updated_at,
        )


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
