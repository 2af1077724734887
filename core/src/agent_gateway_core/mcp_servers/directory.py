"""McpServerDirectory: the MCP servers of a runtime, from code, gateway.yaml and the database.

Servers registered in code or gateway.yaml are read-only; servers created through the admin
use cases live in the :class:`~agent_gateway_core.ports.persistence.McpServerStore` and are
followed on every replica: :meth:`McpServerDirectory.sync` reads the store and connects,
reconnects or disconnects what changed, and the sync loop runs it every
``sync_interval_seconds``. A change made here applies at once in this process.

Each enabled server is one connection (a ToolProvider) in the runtime's ToolRegistry, whose
tools agents see as ``{server}__{tool}`` when their AGENT.md lists the server. A server that
cannot be reached never blocks startup: its connection keeps retrying, and its tools appear
when it comes up (the sync loop lists them again).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from agent_gateway_core.domain.ids import new_record_id
from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.engine.tool_registry import PROVIDER_SEPARATOR, ToolRegistry
from agent_gateway_core.errors import (
    ConfigError,
    DuplicateError,
    McpServerNotFoundError,
    McpServerReadOnlyError,
    McpServerValidationError,
)
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.mcp_connector import McpConnector, McpServerConnection
from agent_gateway_core.ports.persistence import McpServerStore
from agent_gateway_core.ports.tool_provider import McpTokenProvider, ToolProviderStatus

logger = logging.getLogger("agent_gateway.mcp")

McpServerOrigin = Literal["code", "config", "database"]

# Lower-case words joined by single - or _: "__" separates a server from its tools' names.
_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9]|[-_](?=[a-z0-9]))*$")
_MAX_NAME = 64
_EDITABLE = frozenset(
    {"name", "transport", "command", "args", "env", "url", "headers", "credentials", "enabled"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class StaticMcpServer:
    """A server registered in code (``add_mcp_server``) or in gateway.yaml: read-only."""

    config: McpServerConfig
    origin: Literal["code", "config"]
    token_provider: McpTokenProvider | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class McpServerView:
    """One server as the admin API shows it: its configuration (with secrets, for the caller
    to leave out), where it comes from, how its connection is doing and its tools."""

    config: McpServerConfig
    origin: McpServerOrigin
    status: ToolProviderStatus
    tools: tuple[ToolSpec, ...]  # unprefixed names, as the server gives them
    has_token_provider: bool = False  # given one in code: it, not the credentials, authenticates

    @property
    def read_only(self) -> bool:
        return self.origin != "database"


@dataclass(slots=True, kw_only=True)
class _Entry:
    config: McpServerConfig
    origin: McpServerOrigin
    token_provider: McpTokenProvider | None = None
    connection: McpServerConnection | None = None
    fingerprint: str = ""  # of the config connected, or found unusable (not retried)
    problem: str | None = None  # why that config cannot be used
    tools: tuple[ToolSpec, ...] = field(default=())


def joined_scopes(credentials: object) -> object:
    """Credentials with a list of OAuth2 ``scopes`` (the existing product's form) as the one
    space-separated string stored; anything else is returned as it is."""
    if isinstance(credentials, Mapping):
        scopes = credentials.get("scopes")
        if isinstance(scopes, list | tuple) and all(isinstance(s, str) for s in scopes):
            return {**credentials, "scopes": " ".join(scopes)}
    return credentials


def validate_server_name(name: str) -> None:
    """McpServerValidationError unless ``name`` can prefix tool names unambiguously."""
    if len(name) > _MAX_NAME or not _NAME.match(name):
        raise McpServerValidationError(
            f"invalid MCP server name {name!r}: use lower-case letters and digits, joined by "
            f"single '-' or '_' (at most {_MAX_NAME} characters; '__' separates a server "
            "from its tools)"
        )


class McpServerDirectory:
    """The MCP servers of one runtime and their connections (see the module doc)."""

    def __init__(
        self,
        *,
        connector: McpConnector,
        store: McpServerStore,
        registry: ToolRegistry,
        clock: Clock,
        static: Sequence[StaticMcpServer] = (),
        sync_interval_seconds: float = 5.0,
    ) -> None:
        self._connector = connector
        self._store = store
        self._registry = registry
        self._clock = clock
        self._sync_interval = sync_interval_seconds
        self._entries: dict[str, _Entry] = {}
        self._static_names: set[str] = set()
        for server in static:
            name = server.config.name
            if name in self._entries:
                raise ConfigError(f"two MCP servers are named {name!r}")
            self._entries[name] = _Entry(
                config=server.config, origin=server.origin, token_provider=server.token_provider
            )
            self._static_names.add(name)
        self._shadowed: set[str] = set()  # stored names a static server hides, warned once
        self._lock = asyncio.Lock()
        self._loop: asyncio.Task[None] | None = None
        self._closed = False

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Connect every enabled server (concurrently; none blocks longer than its connection
        timeout), then follow the store every ``sync_interval_seconds``."""
        async with self._lock:
            try:
                stored = await self._store.list_all()
            except Exception:
                logger.warning("MCP servers in the database could not be read", exc_info=True)
                stored = []
            await self._merge_stored(stored)
            await asyncio.gather(*(self._apply(entry) for entry in self._entries.values()))
        self._loop = asyncio.create_task(self._follow(), name="mcp-servers-sync")
        connected = sum(1 for view in self.servers() if view.status.connected)
        logger.info(
            "MCP servers: %d configured, %d connected, %d tool(s)",
            len(self._entries),
            connected,
            sum(len(view.tools) for view in self.servers()),
        )

    async def aclose(self) -> None:
        """Stop following the store and close every connection; calling it twice is harmless."""
        if self._closed:
            return
        self._closed = True
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
        async with self._lock:
            await asyncio.gather(*(self._disconnect(e) for e in self._entries.values()))

    async def sync(self) -> None:
        """Follow the store once: connect new or changed servers, drop deleted or disabled
        ones, and list every connected server's tools again."""
        async with self._lock:  # a create/update/delete here cannot fall between read and merge
            stored = await self._store.list_all()
            await self._merge_stored(stored)
            await asyncio.gather(*(self._apply(entry) for entry in self._entries.values()))
            for name in list(self._entries):
                await self._registry.refresh_provider(name)

    async def _follow(self) -> None:
        while True:
            await self._clock.sleep(self._sync_interval)
            try:
                await self.sync()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("MCP servers could not be synced with the database", exc_info=True)

    # ---------------------------------------------------------------- reading

    def servers(self) -> list[McpServerView]:
        """Every server, by name."""
        return [self._view(self._entries[name]) for name in sorted(self._entries)]

    def get(self, server_id: str) -> McpServerView:
        """A server by id; McpServerNotFoundError if there is none."""
        return self._view(self._entry_by_id(server_id))

    def tools(self, server_id: str) -> list[ToolSpec]:
        """The tools the server listed last (unprefixed names)."""
        return list(self._view(self._entry_by_id(server_id)).tools)

    # ---------------------------------------------------------------- admin use cases

    async def create(
        self,
        *,
        name: str,
        transport: str,
        command: str | None = None,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        url: str | None = None,
        headers: Mapping[str, str] | None = None,
        credentials: Mapping[str, str] | None = None,
        enabled: bool = True,
    ) -> McpServerView:
        """Store a server and connect it here (other replicas within the sync interval).

        McpServerValidationError for a bad name or a configuration that cannot work;
        DuplicateError when the name is taken.
        """
        now = self._clock.now()
        config = _parse(
            id=new_record_id(),
            name=name,
            transport=transport,
            command=command,
            args=args,
            env=env or {},
            url=url,
            headers=headers or {},
            credentials=credentials or {},
            enabled=enabled,
            created_at=now,
            updated_at=now,
        )
        self._validate(config)
        async with self._lock:
            self._check_free(name)
            await self._store.save(config)
            entry = _Entry(config=config, origin="database")
            self._entries[name] = entry
            await self._apply(entry)
            return self._view(entry)

    async def update(self, server_id: str, changes: Mapping[str, Any]) -> McpServerView:
        """Change a stored server's fields (absent ones are kept) and reconnect it.

        McpServerNotFoundError, McpServerReadOnlyError for a server from code or
        gateway.yaml, McpServerValidationError, DuplicateError for a taken name.
        """
        unknown = sorted(set(changes) - _EDITABLE)
        if unknown:
            raise McpServerValidationError(f"unknown MCP server fields: {', '.join(unknown)}")
        async with self._lock:
            entry = self._writable(server_id)
            values = {**changes}
            for collection in ("args", "env", "headers", "credentials"):
                if collection in values and values[collection] is None:
                    values[collection] = () if collection == "args" else {}
            config = _parse(**{**dict(entry.config), **values, "updated_at": self._clock.now()})
            self._validate(config)
            renamed = config.name != entry.config.name
            if renamed:
                self._check_free(config.name)
            await self._store.save(config)
            if renamed:
                await self._disconnect(entry)
                del self._entries[entry.config.name]
                entry = _Entry(config=config, origin="database")
                self._entries[config.name] = entry
            else:
                entry.config = config
            await self._apply(entry)
            return self._view(entry)

    async def delete(self, server_id: str) -> None:
        """Delete a stored server and disconnect it (other replicas within the sync
        interval). McpServerNotFoundError, McpServerReadOnlyError."""
        async with self._lock:
            entry = self._writable(server_id)
            await self._store.delete(entry.config.id)
            await self._disconnect(entry)
            del self._entries[entry.config.name]

    async def refresh(self, server_id: str) -> McpServerView:
        """Reconnect a server now and list its tools again."""
        async with self._lock:
            entry = self._entry_by_id(server_id)
            if entry.connection is not None:
                await entry.connection.refresh()
                await self._registry.refresh_provider(entry.config.name)
            return self._view(entry)

    async def test(self, server_id: str) -> list[ToolSpec]:
        """Connect to a server once, apart from its running connection, and list its tools.
        Raises BackendUnavailableError (or a subclass) when it cannot."""
        entry = self._entry_by_id(server_id)
        return await self._connector.probe(entry.config, entry.token_provider)

    # ---------------------------------------------------------------- internals

    def _validate(self, config: McpServerConfig) -> None:
        validate_server_name(config.name)
        try:
            self._connector.validate(config)
        except ConfigError as exc:
            raise McpServerValidationError(str(exc)) from exc

    def _check_free(self, name: str) -> None:
        if name in self._entries:
            raise DuplicateError(f"an MCP server named {name!r} already exists")
        if name in self._registry.providers:
            raise DuplicateError(f"a tool provider named {name!r} is registered in code")

    def _entry_by_id(self, server_id: str) -> _Entry:
        for entry in self._entries.values():
            if entry.config.id == server_id:
                return entry
        raise McpServerNotFoundError(server_id)

    def _writable(self, server_id: str) -> _Entry:
        entry = self._entry_by_id(server_id)
        if entry.origin != "database":
            where = "in code (add_mcp_server)" if entry.origin == "code" else "in gateway.yaml"
            raise McpServerReadOnlyError(
                f"MCP server {entry.config.name!r} is registered {where}; change it there"
            )
        return entry

    async def _merge_stored(self, stored: Sequence[McpServerConfig]) -> None:
        """Make the database entries those of ``stored``: the connections of those gone are
        closed, the others are applied later."""
        wanted: dict[str, McpServerConfig] = {}
        for config in stored:
            if config.name in self._static_names:
                if config.name not in self._shadowed:
                    self._shadowed.add(config.name)
                    logger.warning(
                        "MCP server %r in the database is hidden by the one of that name "
                        "registered in code or gateway.yaml",
                        config.name,
                    )
                continue
            wanted[config.name] = config
        gone = [e for n, e in self._entries.items() if e.origin == "database" and n not in wanted]
        for entry in gone:
            del self._entries[entry.config.name]
        await asyncio.gather(*(self._disconnect(entry) for entry in gone))
        for name, config in wanted.items():
            known = self._entries.get(name)
            if known is None:
                self._entries[name] = _Entry(config=config, origin="database")
            else:
                known.config = config

    async def _apply(self, entry: _Entry) -> None:
        """Connect, reconnect or disconnect ``entry`` after its configuration."""
        if not entry.config.enabled:
            await self._disconnect(entry)
            entry.fingerprint, entry.problem = "", None
            return
        fingerprint = _fingerprint(entry.config)
        if entry.fingerprint == fingerprint:
            return  # connected with this config, or this config cannot be used (logged once)
        await self._disconnect(entry)
        entry.fingerprint, entry.problem = fingerprint, None
        if entry.config.name in self._registry.providers:  # not ours: ours was just removed
            entry.problem = "a tool provider of that name is registered in code"
        else:
            try:
                connection = self._connector.connection(entry.config, entry.token_provider)
            except ConfigError as exc:
                entry.problem = str(exc)
        if entry.problem is not None:
            logger.error("MCP server %r cannot be used: %s", entry.config.name, entry.problem)
            return
        entry.connection = connection
        try:
            await connection.start()
        except Exception:  # the port says it never raises; a broken adapter must not stop us
            logger.exception("MCP server %r failed to start", entry.config.name)
        self._registry.add_provider(connection)
        await self._registry.refresh_provider(entry.config.name)
        status = connection.status()
        if not status.connected:
            logger.warning(
                "MCP server %r is not reachable yet (%s); its tools appear when it is",
                entry.config.name,
                status.error or "no answer",
            )

    async def _disconnect(self, entry: _Entry) -> None:
        if entry.connection is None:
            return
        self._registry.remove_provider(entry.config.name)
        connection, entry.connection = entry.connection, None
        entry.fingerprint = ""
        try:
            await connection.aclose()
        except Exception:
            logger.warning("MCP server %r did not close cleanly", entry.config.name, exc_info=True)

    def _view(self, entry: _Entry) -> McpServerView:
        name = entry.config.name
        if entry.connection is None:
            status = ToolProviderStatus(
                connected=False,
                tool_count=0,
                error=entry.problem if entry.config.enabled else "disabled",
            )
            tools: tuple[ToolSpec, ...] = ()
        else:
            status = entry.connection.status()
            prefix = f"{name}{PROVIDER_SEPARATOR}"
            tools = tuple(
                definition.spec.model_copy(update={"name": tool_name.removeprefix(prefix)})
                for tool_name, definition in self._registry.provider_tools(name).items()
            )
        return McpServerView(
            config=entry.config,
            origin=entry.origin,
            status=status,
            tools=tools,
            has_token_provider=entry.token_provider is not None,
        )


def _fingerprint(config: McpServerConfig) -> str:
    """What, when it changes, needs a new connection (not the timestamps)."""
    # Sorted keys: a store may give mappings back in another order (PostgreSQL's JSONB does).
    data = config.model_dump(mode="json", exclude={"created_at", "updated_at"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _parse(**values: Any) -> McpServerConfig:
    """A config from admin input; McpServerValidationError naming the fields of wrong type."""
    try:
        return McpServerConfig.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
        )
        raise McpServerValidationError(f"invalid MCP server fields: {problems}") from exc
