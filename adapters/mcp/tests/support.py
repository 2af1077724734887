"""Helpers and constants of the MCP adapter tests."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable

import pytest

from agent_gateway_mcp import McpToolProvider

GOOD_TOKEN = "good-token"
GOOD_KEY = "good-key"
OAUTH_TOKENS = [f"oauth-token-{n}" for n in range(8)]

MakeProvider = Callable[..., Awaitable[McpToolProvider]]
"""``await make_provider(config, **options)``: a started provider, closed after the test."""


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def eventually(check: Callable[[], bool], *, within: float = 15.0) -> None:
    """Wait until ``check()`` holds, failing the test after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {within}s")
        await asyncio.sleep(0.05)
