"""McpToolProvider: the tools of one MCP server, over a supervised connection."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

import anyio
from mcp import Client, MCPError
from pydantic import ValidationError

from agent_gateway_core.domain.tool import ToolContext, ToolSpec
from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.errors import ToolNotFoundError
from agent_gateway_core.ports.mcp_connector import McpServerConnection
from agent_gateway_core.ports.tool_provider import McpTokenProvider, ToolProviderStatus
from agent_gateway_mcp.backoff import backoff_delay
from agent_gateway_mcp.calls import call_tool
from agent_gateway_mcp.endpoint import Endpoint
from agent_gateway_mcp.errors import (
    McpConnectionError,
    McpTimeoutError,
    McpUnavailableError,
)
from agent_gateway_mcp.failures import connect_failure, failure_reason
from agent_gateway_mcp.http_auth import HttpStatusLog
from agent_gateway_mcp.session import follow_tool_list, list_tool_specs, open_session

logger = logging.getLogger(__name__)

_CLOSE_TIMEOUT = 10.0  # the SDK's stdio shutdown takes at most ~7 s (stdin close, TERM, KILL)
_STABLE_AFTER = 10.0  # a connection that lasted this long resets the backoff when lost


class _Ending(enum.Enum):
    """Why a connection (or an attempt at one) ended."""

    STOPPED = enum.auto()  # aclose()
    REFRESH = enum.auto()  # refresh(): reconnect at once
    LOST = enum.auto()  # it was up and went away
    FAILED = enum.auto()  # it never came up


@dataclass(slots=True, eq=False)
class _Link:
    """One connection: its HTTP status log, and what its callbacks noticed."""

    log: HttpStatusLog = field(default_factory=HttpStatusLog)
    client: Client | None = None
    lost: bool = False
    tools_changed: bool = False


class McpToolProvider(McpServerConnection):
    """The tools of the MCP server ``config`` describes, as a ToolProvider.

    One supervisor task owns the MCP session (the SDK's transports must be entered and
    exited in one task): it connects, lists the tools and waits until the connection is
    lost, closed or refreshed; after a failure or a loss it reconnects with exponential
    backoff (``initial_backoff`` doubling up to ``max_backoff``, with jitter). A stdio
    server is a subprocess that is restarted when it dies and stopped by :meth:`aclose`.

    An invalid ``config`` (transport, command or url, credentials) raises
    :class:`~agent_gateway_core.errors.ConfigError` here. ``token_provider``, when given,
    authenticates HTTP requests instead of the credentials' bearer token, API key or token
    endpoint. Calls that cannot reach the server raise subclasses of
    :class:`~agent_gateway_core.errors.BackendUnavailableError` naming it.
    """

    def __init__(
        self,
        config: McpServerConfig,
        *,
        token_provider: McpTokenProvider | None = None,
        tool_call_timeout: float = 30.0,
        connection_timeout: float = 10.0,
        max_backoff: float = 30.0,
        initial_backoff: float = 0.5,
    ) -> None:
        self._endpoint = Endpoint(config, token_provider)
        self.name = config.name
        self._tool_call_timeout = tool_call_timeout
        self._connection_timeout = connection_timeout
        self._max_backoff = max_backoff
        self._initial_backoff = min(initial_backoff, max_backoff)
        self._tools: dict[str, ToolSpec] | None = None  # the last listing, kept while down
        self._link: _Link | None = None  # the connection, while it is up
        self._failure: McpUnavailableError | None = None  # why it is not up
        self._error: str | None = None
        self._restarts = 0
        self._after_loss = False  # the next connection is a restart
        self._connected_since: datetime | None = None
        self._wake = asyncio.Event()  # set whenever the supervisor has something to look at
        self._stopping = False
        self._refresh_wanted = False
        self._attempts_started = 0
        self._attempts_finished = 0
        self._attempt_done = asyncio.Event()
        self._connect_scope: anyio.CancelScope | None = None
        self._task: asyncio.Task[None] | None = None
        self._supervising = False

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Start the supervisor and wait for its first attempt, at most the connection
        timeout. Never raises for a server that cannot be used: that shows in
        :meth:`status` and the connection keeps being retried in the background."""
        if self._task is not None or self._stopping:
            return
        self._launch()
        await self._await_attempt(1)
        if self._attempts_finished == 0:  # a failed attempt has logged why already
            logger.warning(
                "MCP server %r did not connect within %gs; retrying in the background",
                self.name,
                self._connection_timeout,
            )

    async def refresh(self) -> None:
        """Reconnect now and list the tools again; waits for that attempt (at most the
        connection timeout) and, like :meth:`start`, never raises for the server."""
        if self._stopping:
            return
        if self._task is None:
            await self.start()
            return
        if self._task.done():  # the supervisor failed (logged): give it another go
            self._launch()
        target = self._attempts_started + 1
        self._refresh_wanted = True
        self._wake.set()
        await self._await_attempt(target)

    async def aclose(self) -> None:
        """Disconnect, stopping a stdio server's process; idempotent."""
        if self._stopping:
            return
        self._stopping = True
        self._wake.set()
        if self._connect_scope is not None:
            self._connect_scope.cancel()  # an attempt in progress is not worth finishing
        task = self._task
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), _CLOSE_TIMEOUT)
            except TimeoutError:
                logger.warning("MCP server %r did not disconnect in time; cancelling", self.name)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._link = None
        self._error = "closed"

    def status(self) -> ToolProviderStatus:
        connected = self._link is not None and not self._link.lost
        return ToolProviderStatus(
            connected=connected,
            tool_count=len(self._tools or {}) if connected else 0,
            error=None if connected else self._error,
            restarts=self._restarts,
            connected_since=self._connected_since if connected else None,
        )

    # ---------------------------------------------------------------- ToolProvider

    async def list_tools(self) -> list[ToolSpec]:
        """The tools of the last successful listing (kept while the server is down)."""
        if self._tools is None:
            raise self._unavailable("has not listed its tools yet")
        return list(self._tools.values())

    async def call_tool(self, name: str, arguments: dict[str, Any], context: ToolContext) -> Any:
        tools, link = self._tools, self._link
        if tools is None:
            raise self._unavailable("has not listed its tools yet")
        if name not in tools:
            raise ToolNotFoundError(name)
        if link is None or link.client is None or link.lost:
            raise self._unavailable("is not connected")
        return await call_tool(
            link.client,
            link.log,
            name,
            arguments,
            server_name=self.name,
            seconds=self._tool_call_timeout,
            on_lost=partial(self._lose, link),
        )

    # ---------------------------------------------------------------- the supervisor

    def _launch(self) -> None:
        self._supervising = True  # before the task runs: start() waits on it at once
        self._task = asyncio.create_task(self._supervise(), name=f"mcp-server-{self.name}")

    async def _supervise(self) -> None:
        failures = 0
        try:
            while not self._stopping:
                self._refresh_wanted = False
                self._attempts_started += 1
                began = anyio.current_time()
                ending = await self._connection()
                if ending is _Ending.STOPPED:
                    return
                if ending is _Ending.REFRESH:
                    failures = 0
                    continue
                if ending is _Ending.LOST:
                    self._after_loss = True
                    if anyio.current_time() - began >= _STABLE_AFTER:
                        failures = 0
                failures += 1
                await self._pause(
                    backoff_delay(
                        failures, initial=self._initial_backoff, maximum=self._max_backoff
                    )
                )
        except Exception:
            logger.exception("the supervisor of MCP server %r failed", self.name)
            self._error = "the connection supervisor failed; see the logs"
        finally:
            self._link = None
            self._supervising = False
            self._attempt_done.set()  # nobody waits for an attempt that will not come

    async def _connection(self) -> _Ending:
        """Connect, list the tools, and stay connected until something ends it."""
        link = _Link()
        ending: _Ending | None = None
        scope = anyio.CancelScope(deadline=anyio.current_time() + self._connection_timeout)
        self._connect_scope = scope
        try:
            with scope:
                async with open_session(
                    self._endpoint,
                    link.log,
                    on_lost=partial(self._lose, link),
                    on_tools_changed=partial(self._tools_changed, link),
                ) as client:
                    tools = await list_tool_specs(client)
                    scope.deadline = math.inf
                    self._connect_scope = None
                    self._connected(link, client, tools)
                    try:
                        ending = await self._serve(link, client)
                    finally:
                        self._link = None
        except Exception as exc:
            if self._stopping or ending is not None:
                return ending or _Ending.STOPPED
            if link.client is not None:  # it was up: a transport failure ended it
                self._note_loss(f"connection lost: {failure_reason(exc, link.log)[1]}")
                return _Ending.LOST
            if scope.cancel_called:
                self._failed(self._timeout())
            else:
                self._failed(connect_failure(exc, server_name=self.name, log=link.log))
            return _Ending.FAILED
        finally:
            self._connect_scope = None
        if ending is not None:
            return ending
        if self._stopping:
            return _Ending.STOPPED
        self._failed(self._timeout())  # the deadline cancelled the attempt
        return _Ending.FAILED

    async def _serve(self, link: _Link, client: Client) -> _Ending:
        """Wait until the connection has to end; list the tools again when they change."""
        async with anyio.create_task_group() as watchers:
            watchers.start_soon(
                partial(
                    follow_tool_list,
                    client,
                    on_changed=partial(self._tools_changed, link),
                    on_lost=partial(self._lose, link),
                )
            )
            ending = await self._watch(link, client)
            watchers.cancel_scope.cancel()
        return ending

    async def _watch(self, link: _Link, client: Client) -> _Ending:
        while True:
            self._wake.clear()
            if self._stopping:
                return _Ending.STOPPED
            if self._refresh_wanted:
                return _Ending.REFRESH
            if link.lost:
                self._note_loss("connection lost")
                return _Ending.LOST
            if link.tools_changed:
                link.tools_changed = False
                await self._relist(link, client)
                continue
            await self._wake.wait()

    async def _relist(self, link: _Link, client: Client) -> None:
        try:
            with anyio.fail_after(self._connection_timeout):
                self._tools = await list_tool_specs(client)
        except (MCPError, TimeoutError, ValidationError) as exc:
            logger.warning("MCP server %r could not list its changed tools: %s", self.name, exc)
            link.lost = True
        else:
            logger.info("MCP server %r changed its tools (%d now)", self.name, len(self._tools))

    async def _pause(self, delay: float) -> None:
        """Sleep before the next attempt; a refresh or aclose cuts it short."""
        self._wake.clear()
        if self._stopping or self._refresh_wanted:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)

    async def _await_attempt(self, target: int) -> None:
        """Wait until ``target`` attempts have finished, at most the connection timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._connection_timeout
        while self._attempts_finished < target and self._supervising and not self._stopping:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._attempt_done.wait(), remaining)

    # ---------------------------------------------------------------- state changes

    def _connected(self, link: _Link, client: Client, tools: dict[str, ToolSpec]) -> None:
        link.client = client
        self._link = link
        self._tools = tools
        self._failure = self._error = None
        self._connected_since = datetime.now(UTC)
        if self._after_loss:
            self._restarts += 1
            self._after_loss = False
        logger.info("MCP server %r connected with %d tools", self.name, len(tools))
        self._finish_attempt()

    def _timeout(self) -> McpTimeoutError:
        return McpTimeoutError(
            f"MCP server {self.name!r} did not connect within {self._connection_timeout:g}s",
            server_name=self.name,
        )

    def _failed(self, failure: McpUnavailableError) -> None:
        if str(failure) != self._error:
            logger.warning("%s", failure)
        self._failure, self._error = failure, str(failure)
        self._finish_attempt()

    def _note_loss(self, reason: str) -> None:
        logger.warning("MCP server %r: %s; reconnecting", self.name, reason)
        self._failure = McpConnectionError(
            f"MCP server {self.name!r}: {reason}", server_name=self.name
        )
        self._error = str(self._failure)
        self._connected_since = None

    def _finish_attempt(self) -> None:
        self._attempts_finished += 1
        done, self._attempt_done = self._attempt_done, asyncio.Event()
        done.set()

    def _lose(self, link: _Link) -> None:
        link.lost = True
        self._wake.set()

    def _tools_changed(self, link: _Link) -> None:
        link.tools_changed = True
        self._wake.set()

    def _unavailable(self, what: str) -> McpUnavailableError:
        kind = type(self._failure) if self._failure is not None else McpConnectionError
        reason = f": {self._error}" if self._error else ""
        return kind(f"MCP server {self.name!r} {what}{reason}", server_name=self.name)
