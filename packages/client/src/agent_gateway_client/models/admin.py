"""Administration: reloads, MCP servers and memory compaction."""

from __future__ import annotations

from typing import Any

from agent_gateway_client.models._base import GatewayModel


class ReloadResult(GatewayModel):
    """The workspace now loaded."""

    status: str = "reloaded"
    agents: int = 0
    skills: int = 0
    tools: int = 0


class McpServer(GatewayModel):
    """An MCP server; headers, environment and credentials are named, never shown."""

    id: str
    name: str
    transport: str
    command: str | None = None
    args: list[str] | None = None
    url: str | None = None
    header_keys: list[str] = []
    enabled: bool = True
    credential_keys: list[str] = []
    has_env: bool = False
    auth_type: str = "none"
    tool_count: int = 0
    connected: bool = False
    created_at: str | None = None
    updated_at: str | None = None
    origin: str = ""
    read_only: bool = False
    error: str | None = None
    restarts: int = 0


class McpTestTool(GatewayModel):
    """A tool a test connection listed."""

    name: str
    description: str = ""


class McpTestResult(GatewayModel):
    """A one-off connection's outcome; a failure has ``success`` false and an
    ``error_code``."""

    success: bool
    tool_count: int = 0
    tools: list[McpTestTool] = []
    error: str | None = None
    error_code: str | None = None


class McpTool(GatewayModel):
    """A tool an MCP server offers; ``name`` is how agents see it (``{server}__{tool}``)."""

    name: str
    original_name: str
    server_name: str
    description: str = ""
    input_schema: dict[str, Any] = {}


class McpServerDeleted(GatewayModel):
    """An MCP server deleted."""

    deleted: bool


class ScopeCompaction(GatewayModel):
    """One memory scope compacted; ``user_id`` ``None`` is the agent-wide memories."""

    user_id: str | None = None
    before: int = 0
    after: int = 0
    removed: int = 0
    added: int = 0


class MemoryCompaction(GatewayModel):
    """What compacting an agent's memory removed (summarised), per scope."""

    agent_id: str
    global_compacted: int = 0
    user_compacted: int = 0
    scopes: list[ScopeCompaction] = []
