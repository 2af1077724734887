"""A McpConnector whose MCP servers are Python callables in this process.

Each fake server is a set of tools (name -> (spec, handler), as for
:class:`~agent_gateway_core.testing.StaticToolProvider`) that a test can take down, bring back
and change while connections to it are open. A config reaches the server defined under its
``url`` (streamable_http) or ``command`` (stdio), else the one defined under its ``name``; a
config that reaches no server is an unreachable one.

A :class:`FakeMcpConnection` retries whenever it is asked (``status``, ``list_tools``,
``call_tool``) rather than on a timer: from outside, a background retry that is never late.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.domain.tool import ToolContext, ToolSpec
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.errors import BackendUnavailableError, ConfigError
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.mcp_connector import McpConnector, McpServerConnection
from agent_gateway_core.ports.tool_provider import McpTokenProvider, ToolProviderStatus
from agent_gateway_core.testing.tool_provider import StaticToolProvider

FakeTools = Mapping[str, tuple[ToolSpec, Callable[..., Any]]]
"""A fake server's tools: name -> (spec, handler); the key is the tool's name."""

TRANSPORTS = ("stdio", "streamable_http")
AUTH_TYPES = ("bearer", "api_key", "oauth2_client_credentials")
_OAUTH2_FIELDS = ("token_url", "client_id", "client_secret")


@dataclass(slots=True)
class _FakeServer:
    tools: StaticToolProvider
    reachable: bool = True


class FakeMcpConnector(McpConnector):
    """Connects to fake servers (see the module doc); records what it built.

    ``connections`` lists every connection it made, oldest first, and ``probes`` every config
    probed. :meth:`validate` follows the real adapter's rules: a known transport, a command
    for stdio, an http(s) url for streamable_http, and credentials of a known shape
    (``bearer_token``; ``api_key``; ``auth_type`` ``oauth2_client_credentials`` with
    ``token_url``, ``client_id`` and ``client_secret``) on streamable_http only.
    """

    def __init__(
        self, servers: Mapping[str, FakeTools] | None = None, *, clock: Clock | None = None
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.connections: list[FakeMcpConnection] = []
        self.probes: list[McpServerConfig] = []
        self._servers: dict[str, _FakeServer] = {}
        for key, tools in (servers or {}).items():
            self.add_server(key, tools)

    # ---------------------------------------------------------------- the fake servers

    def add_server(self, key: str, tools: FakeTools, *, reachable: bool = True) -> None:
        """Define (or replace) the server reached by a config whose url, command or name is
        ``key``."""
        self._servers[key] = _FakeServer(StaticToolProvider(key, tools), reachable)

    def set_reachable(self, key: str, reachable: bool) -> None:
        """Take a server down or bring it back; open connections notice when next asked."""
        self._server(key).reachable = reachable

    def set_tools(self, key: str, tools: FakeTools) -> None:
        """Change a server's tools; connections list the new ones when next asked."""
        self._server(key).tools = StaticToolProvider(key, tools)

    def connections_of(self, name: str) -> list[FakeMcpConnection]:
        """The connections made for configs named ``name``, oldest first."""
        return [c for c in self.connections if c.name == name]

    @property
    def open_connections(self) -> list[FakeMcpConnection]:
        """Connections made and not closed yet."""
        return [c for c in self.connections if not c.closed]

    def _resolve(self, config: McpServerConfig) -> _FakeServer | None:
        """The server ``config`` reaches, if any."""
        address = config.url if config.transport == "streamable_http" else config.command
        found = self._servers.get(address) if address else None
        return found or self._servers.get(config.name)

    def _server(self, key: str) -> _FakeServer:
        try:
            return self._servers[key]
        except KeyError:
            raise KeyError(f"no fake MCP server {key!r}; add_server() it first") from None

    # ---------------------------------------------------------------- McpConnector

    def validate(self, config: McpServerConfig) -> None:
        problems: list[str] = []
        if config.transport not in TRANSPORTS:
            problems.append(
                f"transport must be 'stdio' or 'streamable_http', got {config.transport!r}"
            )
        if config.transport == "stdio" and not config.command:
            problems.append("a stdio MCP server needs a command")
        if config.transport == "streamable_http":
            if not config.url:
                problems.append("a streamable_http MCP server needs a url")
            elif not config.url.startswith(("http://", "https://")):
                problems.append(f"url must be http:// or https://, got {config.url!r}")
        problems.extend(_credential_problems(config))
        if problems:
            raise ConfigError(f"MCP server {config.name!r}: {'; '.join(problems)}")

    def connection(
        self, config: McpServerConfig, token_provider: McpTokenProvider | None = None
    ) -> FakeMcpConnection:
        self.validate(config)
        connection = FakeMcpConnection(self, config, token_provider)
        self.connections.append(connection)
        return connection

    async def probe(
        self, config: McpServerConfig, token_provider: McpTokenProvider | None = None
    ) -> list[ToolSpec]:
        self.validate(config)
        self.probes.append(config)
        server = self._resolve(config)
        if server is None or not server.reachable:
            raise BackendUnavailableError(
                f"MCP server {config.name!r} cannot be reached (fake: connection refused)",
                backend="an MCP server",
            )
        if token_provider is not None and config.transport == "streamable_http":
            await token_provider.get_token()
        return await server.tools.list_tools()


class FakeMcpConnection(McpServerConnection):
    """One connection of :class:`FakeMcpConnector`, with what a test wants to know about it.

    ``config`` and ``token_provider`` are those it was built with; ``connects`` counts
    successful connections (reconnections included), ``refreshes`` the calls of
    :meth:`refresh`, ``close_calls`` those of :meth:`aclose`; ``calls`` lists the tool calls
    (name, arguments) and ``tokens`` the tokens fetched, one per request to an HTTP server.
    """

    def __init__(
        self,
        connector: FakeMcpConnector,
        config: McpServerConfig,
        token_provider: McpTokenProvider | None,
    ) -> None:
        self.name = config.name
        self.config = config
        self.token_provider = token_provider
        self.started = False
        self.closed = False
        self.connects = 0
        self.refreshes = 0
        self.close_calls = 0
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.tokens: list[str] = []
        self._connector = connector
        self._connected = False
        self._ever_connected = False
        self._restarts = 0
        self._error: str | None = None
        self._since: datetime | None = None
        self._tool_count = 0
        self._token_failed = False  # retried by requests only: status() cannot fetch a token

    async def start(self) -> None:
        if self.started or self.closed:
            return
        self.started = True
        await self._connect()

    async def refresh(self) -> None:
        self.refreshes += 1
        if self.closed:
            return
        self.started = True
        self._connected = False  # a reconnection asked for, not a restart after a loss
        await self._connect(restart=False)

    def status(self) -> ToolProviderStatus:
        self._follow_server()
        return ToolProviderStatus(
            connected=self._connected,
            tool_count=self._tool_count if self._connected else 0,
            error=None if self._connected else self._error,
            restarts=self._restarts,
            connected_since=self._since if self._connected else None,
        )

    async def list_tools(self) -> list[ToolSpec]:
        server = await self._request()
        specs = await server.tools.list_tools()
        self._tool_count = len(specs)
        return specs

    async def call_tool(self, name: str, arguments: dict[str, Any], context: ToolContext) -> Any:
        server = await self._request()
        self.calls.append((name, dict(arguments)))
        return await server.tools.call_tool(name, arguments, context)

    async def aclose(self) -> None:
        self.close_calls += 1
        self.closed = True
        self._connected = False
        self._error = "closed"

    # ---------------------------------------------------------------- internals

    async def _connect(self, *, restart: bool = True) -> None:
        """Connect and list the tools; a failure shows in ``status().error``, never raised."""
        self._token_failed = False
        self._follow_server(restart=restart)
        if not self._connected:
            return
        try:
            await self.list_tools()
        except Exception as exc:
            self._connected = False
            self._error = self._error or str(exc) or type(exc).__name__

    def _follow_server(self, *, restart: bool = True) -> None:
        """Notice a server that went down or came back (the fake's background retry)."""
        if not self.started or self.closed or self._token_failed:
            return
        server = self._connector._resolve(self.config)
        reachable = server is not None and server.reachable
        if self._connected and not reachable:
            self._connected = False
            self._error = "connection lost (fake: server down)"
        elif not self._connected and reachable:
            self._connected, self._error = True, None
            self._since = self._connector.clock.now()
            self.connects += 1
            if self._ever_connected and restart:
                self._restarts += 1
            self._ever_connected = True
        elif not reachable and self._error is None:
            self._error = f"cannot reach MCP server {self.name!r} (fake: connection refused)"

    async def _request(self) -> _FakeServer:
        """The server, connected, with a fresh token when it speaks HTTP."""
        if self._token_failed:
            await self._connect()
        self._follow_server()
        server = self._connector._resolve(self.config)
        if self.closed or not self._connected or server is None:
            raise BackendUnavailableError(
                f"MCP server {self.name!r} is not connected: {self._error or 'not started'}",
                backend="an MCP server",
            )
        if self.token_provider is not None and self.config.transport == "streamable_http":
            try:
                self.tokens.append(await self.token_provider.get_token())
            except Exception as exc:
                self._connected, self._token_failed = False, True
                self._error = f"the token provider failed: {exc}"
                raise BackendUnavailableError(
                    f"MCP server {self.name!r}: {self._error}", backend="an MCP server"
                ) from exc
        return server


def _credential_problems(config: McpServerConfig) -> list[str]:
    credentials = config.credentials
    if not credentials:
        return []
    if config.transport == "stdio":
        return ["credentials apply to streamable_http servers only (use env for stdio)"]
    auth_type = credentials.get("auth_type")
    if auth_type is None:
        if "bearer_token" in credentials or "api_key" in credentials:
            return []
        return ["credentials need bearer_token, api_key or an auth_type"]
    if auth_type not in AUTH_TYPES:
        return [f"unknown credentials auth_type {auth_type!r}; use one of {', '.join(AUTH_TYPES)}"]
    needed = {
        "bearer": ("bearer_token",),
        "api_key": ("api_key",),
        "oauth2_client_credentials": _OAUTH2_FIELDS,
    }[auth_type]
    missing = [name for name in needed if not credentials.get(name)]
    if missing:
        return [f"credentials of auth_type {auth_type!r} need {', '.join(missing)}"]
    return []
