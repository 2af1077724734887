"""The exit codes of ``agents-gateway``: one per class of error, the same for every command.

Codes 3 to 11 come from a gateway reached with ``--url`` or ``--profile``: each is one error
class of the client SDK (``agent_gateway_client``), mapped by :func:`exit_code_for`. A
command run on the local workspace exits 0, 1, 2 or 130 as it always has.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent_gateway_client import GatewayError


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1
    """The execution did not succeed; locally, also a workspace with problems or an unknown
    agent."""
    USAGE = 2
    """The command line is wrong, or the client settings (URL, profile) are."""
    AUTHENTICATION = 3
    PERMISSION = 4
    NOT_FOUND = 5
    CONFLICT = 6
    VALIDATION = 7
    RATE_LIMITED = 8
    SERVER_ERROR = 9
    CONNECTION = 10
    TIMEOUT = 11
    INTERRUPTED = 130


EXIT_CODES_HELP = (
    "**Exit codes:** 0 ok · 1 the execution failed · 2 usage · 3 authentication (401) · "
    "4 permission (403) · 5 not found (404) · 6 conflict (409) · 7 invalid request (400, 422) "
    "· 8 rate limited (429) · 9 server error (5xx) · 10 cannot connect · 11 timed out · "
    "130 Ctrl-C."
)
"""The exit codes in one paragraph, for ``--help`` (markdown)."""


def exit_code_for(error: GatewayError) -> ExitCode:
    """The exit code of an error of the client SDK, by its class (then by its status)."""
    import agent_gateway_client as sdk

    by_class: tuple[tuple[type[sdk.GatewayError], ExitCode], ...] = (
        (sdk.ExecutionFailedError, ExitCode.FAILED),
        (sdk.ConfigurationError, ExitCode.USAGE),
        (sdk.AuthenticationError, ExitCode.AUTHENTICATION),
        (sdk.PermissionDeniedError, ExitCode.PERMISSION),
        (sdk.NotFoundError, ExitCode.NOT_FOUND),
        (sdk.ConflictError, ExitCode.CONFLICT),
        (sdk.ValidationError, ExitCode.VALIDATION),
        (sdk.BadRequestError, ExitCode.VALIDATION),
        (sdk.RateLimitError, ExitCode.RATE_LIMITED),
        (sdk.ServerError, ExitCode.SERVER_ERROR),
        (sdk.GatewayConnectionError, ExitCode.CONNECTION),
        (sdk.GatewayTimeoutError, ExitCode.TIMEOUT),
    )
    for error_class, code in by_class:
        if isinstance(error, error_class):
            return code
    status = error.status_code
    if status is not None and 400 <= status < 500:
        return ExitCode.VALIDATION  # 405, 413, ...: the request, as sent, was refused
    if status is not None and status >= 500:
        return ExitCode.SERVER_ERROR
    return ExitCode.FAILED


def failed_execution_id(error: GatewayError) -> str | None:
    """The execution an error answer reports as run and failed, else ``None``.

    The gateway names the execution in the error body (``error.execution_id``) exactly when
    one ran and ended without success: its model failed (502), it timed out (504), a
    guardrail stopped it (422), it was cancelled (409). The ``X-Execution-Id`` header alone
    does not count: an invoke of an unknown agent carries one too, though nothing ran.
    """
    body = error.body
    detail = body.get("error") if isinstance(body, dict) else None
    execution_id = detail.get("execution_id") if isinstance(detail, dict) else None
    return execution_id if isinstance(execution_id, str) and execution_id else None
