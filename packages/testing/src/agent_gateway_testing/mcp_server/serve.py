"""Serving the test server: over stdio, or over streamable HTTP with uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import threading
from collections.abc import Callable

from agent_gateway_testing.mcp_server.http_guard import HttpGuard
from agent_gateway_testing.mcp_server.tools import build_server


def serve_stdio(*, legacy: bool = False) -> None:
    """Serve on stdin/stdout until stdin closes."""
    if legacy:
        _answer_discover_before_the_server()
    build_server().run("stdio")


async def serve_http(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    path: str = "/mcp",
    bearer_tokens: frozenset[str] = frozenset(),
    api_key_header: str = "X-API-Key",
    api_keys: frozenset[str] = frozenset(),
    legacy: bool = False,
    on_ready: Callable[[str], None] = print,
) -> None:
    """Serve streamable HTTP at ``http://host:port{path}``; ``on_ready(url)`` once it accepts
    connections (port 0 picks a free port, and the URL names it)."""
    import uvicorn  # here: the stdio server does without it

    server = build_server()
    app = HttpGuard(
        server.streamable_http_app(streamable_http_path=path, host=host),
        bearer_tokens=bearer_tokens,
        api_key_header=api_key_header,
        api_keys=api_keys,
        legacy=legacy,
    )
    # Our own socket: port 0 resolves before uvicorn starts, and SO_REUSEADDR lets a restarted
    # server take the port back at once.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=1)
    uvicorn_server = uvicorn.Server(config)
    serving = asyncio.create_task(uvicorn_server.serve(sockets=[sock]))
    # uvicorn only exposes a flag for "accepting connections"
    while not uvicorn_server.started and not serving.done():  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    if uvicorn_server.started:
        on_ready(f"http://{host}:{sock.getsockname()[1]}{path}")
    await serving


def _answer_discover_before_the_server() -> None:
    """Put a relay between the client and the server's stdin that answers ``server/discover``
    as a 2025-era server does (METHOD_NOT_FOUND), so the client falls back to ``initialize``
    and the connection speaks the 2025 protocol; the SDK server would otherwise lock the
    connection to the 2026 protocol on that first request."""
    client_in = os.fdopen(os.dup(0), "rb")
    read_end, write_end = os.pipe()
    os.dup2(read_end, 0)
    os.close(read_end)

    def relay() -> None:
        with client_in, os.fdopen(write_end, "wb", buffering=0) as server_in:
            for line in client_in:
                message = _json_or_none(line)
                if isinstance(message, dict) and message.get("method") == "server/discover":
                    error = {"code": -32601, "message": "Method not found"}
                    reply = {"jsonrpc": "2.0", "id": message.get("id"), "error": error}
                    # The first message of a connection: the server has written nothing yet.
                    os.write(1, json.dumps(reply).encode() + b"\n")
                    continue
                with contextlib.suppress(BrokenPipeError):
                    server_in.write(line)

    threading.Thread(target=relay, name="legacy-stdin-relay", daemon=True).start()


def _json_or_none(line: bytes) -> object:
    try:
        return json.loads(line)
    except ValueError:
        return None
