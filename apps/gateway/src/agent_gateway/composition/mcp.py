"""The MCP servers a gateway connects: from code (``add_mcp_server``), from gateway.yaml
(``mcp.servers``) and from the admin API (the database), through the MCP adapter."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from agent_gateway.composition.extras import import_adapter, is_installed
from agent_gateway.options import FluentOptions
from agent_gateway.reference_sections import McpSettings
from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.mcp_servers import StaticMcpServer
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.mcp_connector import McpConnector
from agent_gateway_core.runtime import Runtime

logger = logging.getLogger("agent_gateway.mcp")

_ADAPTER = "agent_gateway_mcp"
_EXTRA = "mcp"


def static_mcp_servers(
    settings: McpSettings, fluent: FluentOptions, clock: Clock
) -> list[StaticMcpServer]:
    """The servers of code and gateway.yaml; code wins over gateway.yaml for a name."""
    now = clock.now()
    servers: dict[str, StaticMcpServer] = {}
    for declared in settings.servers:
        config = McpServerConfig(
            id=f"config:{declared.name}",
            **declared.model_dump(),
            created_at=now,
            updated_at=now,
        )
        servers[declared.name] = StaticMcpServer(config=config, origin="config")
    for options in fluent.mcp_servers.values():
        if options.name in servers:
            logger.info("MCP server %r: add_mcp_server() replaces gateway.yaml's", options.name)
        config = McpServerConfig(
            id=f"code:{options.name}",
            name=options.name,
            transport=options.transport,
            command=options.command,
            args=tuple(options.args),
            env=options.env,
            url=options.url,
            headers=options.headers,
            credentials=options.credentials,
            enabled=options.enabled,
            created_at=now,
            updated_at=now,
        )
        servers[options.name] = StaticMcpServer(
            config=config, origin="code", token_provider=options.token_provider
        )
    return list(servers.values())


def mcp_connector(settings: McpSettings, *, required: bool) -> McpConnector | None:
    """The MCP adapter's connector; ``None`` when the adapter is not installed and nothing
    needs it now (MissingExtraError naming ``agents-gateway[mcp]`` when ``required``)."""
    if not required and not is_installed(_ADAPTER):
        return None
    module = import_adapter(_ADAPTER, feature="MCP servers", extra=_EXTRA)
    connector: McpConnector = module.SdkMcpConnector(
        tool_call_timeout=settings.tool_call_timeout_ms / 1000,
        connection_timeout=settings.connection_timeout_ms / 1000,
    )
    return connector


async def start_mcp_servers(
    runtime: Runtime, settings: McpSettings, fluent: FluentOptions, clock: Clock
) -> None:
    """Connect the MCP servers and follow the admin API's, when the adapter is installed (or
    fail naming the extra when code or gateway.yaml enables a server without it)."""
    static = static_mcp_servers(settings, fluent, clock)
    connector = mcp_connector(settings, required=any(s.config.enabled for s in static))
    if connector is None:
        logger.debug("MCP adapter not installed: no MCP servers (agents-gateway[mcp])")
        return
    await runtime.start_mcp_servers(
        connector, static, sync_interval_seconds=settings.sync_interval_seconds
    )
    _warn_about_unknown_servers(runtime.workspace.agents.values(), runtime)


def _warn_about_unknown_servers(agents: Iterable[AgentDefinition], runtime: Runtime) -> None:
    directory = runtime.mcp_servers
    known = {view.config.name for view in directory.servers()} if directory else set()
    for agent in agents:
        for server in agent.mcp_servers:
            if server not in known:
                logger.warning(
                    "agent %r lists MCP server %r, which is not registered (add_mcp_server, "
                    "gateway.yaml mcp.servers or the admin API); it gets no tools from it",
                    agent.id,
                    server,
                )
