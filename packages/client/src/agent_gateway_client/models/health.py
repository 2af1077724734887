"""The gateway's health."""

from __future__ import annotations

from typing import Any

from agent_gateway_client.models._base import GatewayModel


class Health(GatewayModel):
    """``status`` is ``ok``, ``degraded`` or ``starting``; the rest is only sent to a caller
    the gateway knows (a valid credential, or authentication off)."""

    status: str
    version: str | None = None
    agents: int | None = None
    skills: int | None = None
    tools: int | None = None
    auth: str | None = None
    started_at: str | None = None
    checks: dict[str, str] = {}
    recovery: dict[str, Any] = {}
    mcp_servers: dict[str, dict[str, Any]] = {}

    @property
    def ok(self) -> bool:
        return self.status == "ok"
