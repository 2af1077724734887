"""Tools and skills of the workspace."""

from __future__ import annotations

from typing import Any

from agent_gateway_client.models._base import GatewayModel


class Tool(GatewayModel):
    """A tool: from workspace files, registered in code, or offered by a provider (MCP)."""

    name: str
    description: str = ""
    source: str = ""
    parameters: dict[str, Any] = {}


class ToolDetail(Tool):
    """A tool with where it comes from and who may call it."""

    path: str | None = None
    provider: str | None = None
    allowed_agents: list[str] | None = None
    require_approval: bool = False
    timeout_seconds: float | None = None


class Skill(GatewayModel):
    """A skill of the workspace."""

    id: str
    name: str = ""
    description: str = ""
    tools: list[str] = []
    has_workflow: bool = False


class SkillDetail(Skill):
    """A skill with its instructions and workflow steps."""

    instructions: str = ""
    workflow: list[dict[str, Any]] = []
