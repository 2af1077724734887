"""One tool call over a live session, with the SDK's failures in the gateway's terms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
from mcp import Client, MCPError
from pydantic import ValidationError

from agent_gateway_core.errors import ToolExecutionError
from agent_gateway_mcp.errors import McpConnectionError, McpTimeoutError
from agent_gateway_mcp.failures import failure_reason, is_connection_failure
from agent_gateway_mcp.http_auth import HttpStatusLog
from agent_gateway_mcp.results import call_result


async def call_tool(
    client: Client,
    log: HttpStatusLog,
    name: str,
    arguments: dict[str, Any],
    *,
    server_name: str,
    seconds: float,
    on_lost: Callable[[], None],
) -> Any:
    """The mapped result of tool ``name`` (see :func:`call_result`).

    No answer within ``seconds`` raises :class:`McpTimeoutError`; a connection that turns out gone (closed,
    session expired, 5xx, credentials refused) calls ``on_lost`` and raises the matching
    BackendUnavailableError; the server refusing the call, or a result the SDK finds invalid,
    raises :class:`ToolExecutionError`.
    """
    failures_before = log.failures
    try:
        with anyio.fail_after(seconds):
            result = await client.call_tool(name, arguments)
    except TimeoutError as exc:
        raise McpTimeoutError(
            f"MCP tool {name!r} of server {server_name!r} timed out after {seconds:g}s",
            server_name=server_name,
        ) from exc
    except MCPError as exc:
        if not is_connection_failure(exc, log, failures_before):
            raise ToolExecutionError(
                f"MCP server {server_name!r} refused the call of {name!r}: {exc.message}",
                tool_name=name,
            ) from exc
        on_lost()
        kind, reason = failure_reason(exc, log)
        raise kind(
            f"MCP server {server_name!r} lost the connection during the call of {name!r}: {reason}",
            server_name=server_name,
        ) from exc
    except (anyio.ClosedResourceError, anyio.BrokenResourceError) as exc:
        on_lost()
        raise McpConnectionError(
            f"MCP server {server_name!r} lost the connection during the call of {name!r}",
            server_name=server_name,
        ) from exc
    except (ValidationError, RuntimeError) as exc:  # the SDK validates results against schemas
        raise ToolExecutionError(
            f"MCP tool {name!r} of server {server_name!r} returned an invalid result: {exc}",
            tool_name=name,
        ) from exc
    return call_result(name, result)
