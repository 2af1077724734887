"""An MCP server for tests, written with the official ``mcp`` SDK, and a helper to run it.

Tools (names as listed by the server):

- ``add(a: int, b: int)``  structured result ``{"result": a + b}``
- ``echo(text: str)``      one text item, the text unchanged
- ``fail(message: str)``   an ``isError`` result carrying ``message``
- ``pid()``                structured ``{"pid": <server process id>}``, to tell restarts apart
- ``env(name: str)``      the server's environment variable ``name`` as text ("" if unset)
- ``slow(seconds: float)`` sleeps, then answers the text ``"slept"``
- ``whoami()``             structured ``{"scheme": "Bearer" | None, "api_key": <X-API-Key> | None}``
                           as seen on the HTTP request (both ``None`` over stdio)
- ``media()``              text, image, audio, resource-link and embedded-resource items
- ``grow(name: str)``      adds a tool ``name`` (answers its own name) and announces the change
                           (``notifications/tools/list_changed``, or ``subscriptions/listen``)

Command line::

    python -m agent_gateway_testing.mcp_server --transport stdio [--legacy]
    python -m agent_gateway_testing.mcp_server --transport http [--host 127.0.0.1] [--port 0]
        [--path /mcp] [--bearer-token T]... [--api-key-header X-API-Key] [--api-key K]... [--legacy]

Over HTTP it prints ``listening on http://HOST:PORT/mcp`` once it accepts connections. With
``--bearer-token``/``--api-key`` (each repeatable), a request needs ``Authorization: Bearer
<token>`` or ``<api-key-header>: <key>`` with one of them, else it gets 401. ``--legacy`` makes
it answer ``server/discover`` as a 2025-era server does, so clients fall back to the
``initialize`` handshake (2025-11-25 protocol, HTTP sessions) instead of the 2026 protocol.

Helpers::

    async with McpServerProcess(bearer_tokens=["t1"]) as server:   # HTTP, on a free port
        config = server.config(credentials={"bearer_token": "t1"})  # an McpServerConfig
        ...
        await server.kill()      # SIGKILL, as a crash
        await server.restart()   # the same port again

    config = stdio_server_config(name="test")  # runs the server over stdio

``McpServerProcess`` is a :class:`~agent_gateway_testing.served.Served`: ``async with``, or
``with McpServerProcess().running_in_thread() as server:`` from synchronous tests. Importing
this package does not import the SDK; only the server process does.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_testing.served import Served

_MODULE = "agent_gateway_testing.mcp_server"
_READY = "listening on "


def stdio_server_command(*, legacy: bool = False) -> tuple[str, tuple[str, ...]]:
    """The ``command`` and ``args`` that run the test server over stdio."""
    return sys.executable, (
        "-m",
        _MODULE,
        "--transport",
        "stdio",
        *(["--legacy"] if legacy else []),
    )


def stdio_server_config(
    name: str = "test", *, legacy: bool = False, env: Mapping[str, str] | None = None
) -> McpServerConfig:
    """An :class:`McpServerConfig` that runs the test server over stdio."""
    command, args = stdio_server_command(legacy=legacy)
    now = datetime.now(UTC)
    return McpServerConfig(
        id=f"mcp-{name}",
        name=name,
        transport="stdio",
        command=command,
        args=args,
        env=dict(env or {}),
        created_at=now,
        updated_at=now,
    )


class McpServerProcess(Served):
    """The test server over streamable HTTP, as a subprocess on 127.0.0.1.

    ``start`` returns once the server accepts connections; ``port`` 0 picks a free port, which
    ``restart`` keeps. ``kill`` stops it hard (a crash), ``aclose`` stops it and is idempotent.
    """

    thread_name = "mcp-test-server"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        path: str = "/mcp",
        bearer_tokens: Iterable[str] = (),
        api_key_header: str = "X-API-Key",
        api_keys: Iterable[str] = (),
        legacy: bool = False,
        startup_timeout: float = 30.0,
    ) -> None:
        self.host = host
        self.port = port
        self.path = path
        self.api_key_header = api_key_header
        self._bearer_tokens = tuple(bearer_tokens)
        self._api_keys = tuple(api_keys)
        self._legacy = legacy
        self._startup_timeout = startup_timeout
        self._process: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """The streamable-HTTP endpoint, ``http://host:port/mcp`` by default."""
        return f"http://{self.host}:{self.port}{self.path}"

    @property
    def pid(self) -> int:
        """The server's process id (while it runs)."""
        if self._process is None:
            raise RuntimeError("the MCP test server is not running")
        return self._process.pid

    def config(
        self,
        name: str = "test",
        *,
        headers: Mapping[str, str] | None = None,
        credentials: Mapping[str, str] | None = None,
    ) -> McpServerConfig:
        """An :class:`McpServerConfig` for this server over streamable HTTP."""
        now = datetime.now(UTC)
        return McpServerConfig(
            id=f"mcp-{name}",
            name=name,
            transport="streamable_http",
            url=self.url,
            headers=dict(headers or {}),
            credentials=dict(credentials or {}),
            created_at=now,
            updated_at=now,
        )

    async def start(self) -> None:
        if self._process is not None:
            return
        args = ["-m", _MODULE, "--transport", "http", "--host", self.host, "--port", str(self.port)]
        args += ["--path", self.path]
        args += [f"--bearer-token={token}" for token in self._bearer_tokens]
        args += [f"--api-key={key}" for key in self._api_keys]
        args += ["--api-key-header", self.api_key_header, *(["--legacy"] if self._legacy else [])]
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, stdout=asyncio.subprocess.PIPE
        )
        self._process = process
        try:
            url = await asyncio.wait_for(self._ready_url(process), self._startup_timeout)
        except BaseException:
            await self.kill()
            raise
        self.port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
        # Keep reading stdout so the server never blocks on a full pipe.
        self._drain = asyncio.create_task(self._discard_output(process))

    async def kill(self) -> None:
        """Stop the server at once with SIGKILL, as a crash would."""
        await self._stop(graceful=False)

    async def restart(self) -> None:
        """Stop the server (hard) and start it again on the same port."""
        await self.kill()
        await self.start()

    async def aclose(self) -> None:
        await self._stop(graceful=True)

    async def _stop(self, *, graceful: bool) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.returncode is None:
            if graceful:
                process.terminate()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), 5.0)
            if process.returncode is None:
                process.kill()
        await process.wait()
        if self._drain is not None:
            await self._drain
            self._drain = None

    @staticmethod
    async def _ready_url(process: asyncio.subprocess.Process) -> str:
        assert process.stdout is not None
        while line := (await process.stdout.readline()).decode():
            if line.startswith(_READY):
                return line[len(_READY) :].strip()
        raise RuntimeError(f"the MCP test server exited with {await process.wait()} before serving")

    @staticmethod
    async def _discard_output(process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while await process.stdout.read(65536):
            pass
