"""Turning what the SDK and its transports raise into this adapter's errors."""

from __future__ import annotations

import httpx2
from mcp import MCPError
from mcp.types import CONNECTION_CLOSED

from agent_gateway_mcp.errors import (
    McpAuthError,
    McpConnectionError,
    McpTimeoutError,
    McpUnavailableError,
)
from agent_gateway_mcp.http_auth import HttpStatusLog


def leaves(exc: BaseException) -> list[BaseException]:
    """The exceptions inside (nested) exception groups, or ``exc`` itself."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in leaves(inner)]
    return [exc]


def connect_failure(
    exc: BaseException, *, server_name: str, log: HttpStatusLog
) -> McpUnavailableError:
    """Why connecting (or listing the tools) failed, from what was raised and what HTTP said."""
    for leaf in leaves(exc):
        if isinstance(leaf, McpUnavailableError):
            return leaf
    kind, reason = failure_reason(exc, log)
    return kind(f"MCP server {server_name!r}: {reason}", server_name=server_name)


def failure_reason(exc: BaseException, log: HttpStatusLog) -> tuple[type[McpUnavailableError], str]:
    """The kind of a failure and a short reason that does not name the server."""
    found = leaves(exc)
    for leaf in found:
        if isinstance(leaf, McpUnavailableError):
            return type(leaf), str(leaf)
    if log.auth_refusal is not None:
        return McpAuthError, f"the credentials were refused (HTTP {log.auth_refusal})"
    leaf = _most_telling(found)
    if isinstance(leaf, TimeoutError | httpx2.TimeoutException):
        return McpTimeoutError, f"timed out ({_describe(leaf)})"
    if isinstance(leaf, MCPError) and leaf.code == CONNECTION_CLOSED:
        return McpConnectionError, "the server closed the connection (did its process exit?)"
    if isinstance(leaf, MCPError):
        return McpConnectionError, f"the server answered with error {leaf.code}: {leaf.message}"
    if isinstance(leaf, httpx2.TransportError | ConnectionError):
        return McpConnectionError, f"cannot connect ({_describe(leaf)})"
    if isinstance(leaf, OSError):
        return McpConnectionError, f"cannot start the server process ({_describe(leaf)})"
    return McpConnectionError, _describe(leaf)


def is_connection_failure(exc: MCPError, log: HttpStatusLog, failures_before: int) -> bool:
    """Whether a request's error means the connection is gone (closed, session expired,
    5xx, credentials refused) rather than the server rejecting this request."""
    return exc.code == CONNECTION_CLOSED or log.failures > failures_before


def _most_telling(found: list[BaseException]) -> BaseException:
    """Transport faults say more than the cancellations and closed-stream errors they cause."""
    for kind in (httpx2.HTTPError, OSError, TimeoutError, MCPError):
        for leaf in found:
            if isinstance(leaf, kind):
                return leaf
    return found[0]


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
