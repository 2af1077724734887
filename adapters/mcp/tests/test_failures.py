"""How failures are told apart, and how long the supervisor waits between attempts."""

from __future__ import annotations

import httpx2
import pytest
from mcp import MCPError
from mcp.types import CONNECTION_CLOSED, INTERNAL_ERROR, INVALID_PARAMS

from agent_gateway_mcp import McpAuthError, McpConnectionError, McpTimeoutError
from agent_gateway_mcp.backoff import backoff_delay
from agent_gateway_mcp.failures import connect_failure, is_connection_failure
from agent_gateway_mcp.http_auth import HttpStatusLog

pytestmark = pytest.mark.unit


def log_of(*statuses: int) -> HttpStatusLog:
    log = HttpStatusLog()
    for status in statuses:
        log.observe(status)
    return log


def test_a_closed_connection_is_a_connection_failure() -> None:
    assert is_connection_failure(MCPError(CONNECTION_CLOSED, "Connection closed"), log_of(), 0)


@pytest.mark.parametrize("status", [401, 403, 404, 500, 503])
def test_an_error_after_a_failing_http_answer_is_a_connection_failure(status: int) -> None:
    log = log_of(200)
    before = log.failures
    log.observe(status)

    assert is_connection_failure(MCPError(INTERNAL_ERROR, "Server returned an error"), log, before)


def test_a_servers_json_rpc_error_is_not_a_connection_failure() -> None:
    log = log_of(200, 200)
    assert not is_connection_failure(MCPError(INVALID_PARAMS, "bad arguments"), log, log.failures)


def test_an_auth_refusal_makes_any_connect_failure_an_auth_error() -> None:
    group = ExceptionGroup("tg", [MCPError(INTERNAL_ERROR, "Server returned an error response")])

    failure = connect_failure(group, server_name="crm", log=log_of(400, 403))

    assert isinstance(failure, McpAuthError)
    assert str(failure) == "MCP server 'crm': the credentials were refused (HTTP 403)"


def test_a_transport_error_inside_groups_is_found() -> None:
    nested = ExceptionGroup("outer", [ExceptionGroup("inner", [httpx2.ConnectError("refused")])])

    failure = connect_failure(nested, server_name="crm", log=log_of())

    assert isinstance(failure, McpConnectionError)
    assert "cannot connect (ConnectError: refused)" in str(failure)
    assert failure.server_name == "crm"


def test_a_read_timeout_is_a_timeout() -> None:
    failure = connect_failure(httpx2.ReadTimeout("slow"), server_name="crm", log=log_of())

    assert isinstance(failure, McpTimeoutError)


def test_an_adapter_error_raised_inside_is_kept() -> None:
    cause = McpAuthError("token endpoint down", server_name="crm")

    assert connect_failure(ExceptionGroup("tg", [cause]), server_name="crm", log=log_of()) is cause


def test_backoff_doubles_up_to_the_maximum_with_jitter() -> None:
    delays = [backoff_delay(n, initial=0.5, maximum=4.0) for n in range(1, 7)]

    for delay, base in zip(delays, [0.5, 1, 2, 4, 4, 4], strict=True):
        assert base * 0.8 <= delay <= base * 1.2
