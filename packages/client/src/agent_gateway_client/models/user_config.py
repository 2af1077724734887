"""Each caller's own configuration of a personal agent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent_gateway_client.models._base import GatewayModel


class SetupSchema(GatewayModel):
    """What a personal agent asks each user to configure (a JSON Schema; properties with
    ``sensitive: true`` are stored encrypted and never shown again)."""

    agent_id: str
    scope: str = "personal"
    setup_schema: dict[str, Any] | None = None


class AgentConfig(GatewayModel):
    """The caller's configuration of a personal agent; ``secrets`` names the sensitive values
    that are set, never what they are."""

    user_id: str
    agent_id: str
    instructions: str | None = None
    config_values: dict[str, Any] = {}
    secrets: dict[str, str] = {}
    setup_completed: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ConfigDeleted(GatewayModel):
    """A configuration deleted."""

    deleted: bool = True
