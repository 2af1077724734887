"""The one error tree of the client: everything it raises on purpose is a :class:`GatewayError`.

::

    GatewayError                 status_code, code, message, body, request_id, execution_id
    ├── ConfigurationError       (also ValueError) the client cannot be configured as given
    ├── BadRequestError          400
    ├── AuthenticationError      401, or the OAuth2 token endpoint refused the client
    ├── PermissionDeniedError    403: a scope is missing, or the agent is disabled
    ├── NotFoundError            404
    ├── ConflictError            409: already finished, an Idempotency-Key reused, ...
    ├── ValidationError          422: ``errors`` names each problem's field path
    ├── RateLimitError           429: ``retry_after`` seconds
    ├── ServerError              5xx (a failed model call is 502, a timed-out execution 504)
    ├── GatewayConnectionError   no answer: connection refused or reset, DNS, TLS
    ├── GatewayTimeoutError      no answer in time (a phase of the timeouts), or wait() ran out
    └── ExecutionFailedError     an execution whose result was asked for ended without success

Any other error status (405, 413, ...) is a plain :class:`GatewayError` with its status.
Transport errors are mapped where the client sends (``raise ... from exc``), so the httpx
exception stays reachable as ``__cause__``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from agent_gateway_client._retry import retry_after_seconds

if TYPE_CHECKING:
    from agent_gateway_client.models.executions import Execution

REQUEST_ID_HEADER = "X-Request-ID"
EXECUTION_ID_HEADER = "X-Execution-Id"


class GatewayError(Exception):
    """The root of every error of the client.

    ``status_code`` is the HTTP status (``None`` when no answer came), ``code`` and
    ``message`` come from the standard error body ``{"error": {"code", "message", ...}}``,
    ``body`` is that body parsed (``None`` if it was not JSON), ``request_id`` the
    ``X-Request-ID`` of the call (the gateway echoes the one the client sends, and names it
    in its log) and ``execution_id`` the execution the error concerns, from the body or the
    ``X-Execution-Id`` header.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        body: Any = None,
        request_id: str | None = None,
        execution_id: str | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.code = code
        self.body = body
        self.request_id = request_id
        self.execution_id = execution_id
        self.response = response
        super().__init__(_headline(status_code, code, message))


def _headline(status_code: int | None, code: str | None, message: str) -> str:
    prefix = " ".join(str(part) for part in (status_code, code) if part is not None)
    return f"{prefix}: {message}" if prefix else message


class ConfigurationError(GatewayError, ValueError):
    """The client's settings are missing or invalid (raised before any request)."""


class BadRequestError(GatewayError):
    """400: a request the server understood but refuses as given."""


class AuthenticationError(GatewayError):
    """401: no credential, a wrong or expired one; or the token endpoint refused the client."""


class PermissionDeniedError(GatewayError):
    """403: the credential lacks a scope (``body`` names it), or the agent is disabled."""


class NotFoundError(GatewayError):
    """404: unknown, or not the caller's (another user's session reads as unknown)."""


class ConflictError(GatewayError):
    """409: the resource's state forbids it, or an Idempotency-Key was reused with another
    body."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem of a 422. ``path`` is dotted: from the body for an invalid request
    (``options.max_tokens``), from inside the checked value for an agent's input or a
    personal agent's configuration (``tier``); empty when the problem is the whole value."""

    path: str
    message: str
    type: str | None = None


class ValidationError(GatewayError):
    """422: the body, the input or a query value is invalid; ``errors`` lists each problem."""

    def __init__(self, message: str, *, errors: list[FieldError], **kwargs: Any) -> None:
        self.errors = errors
        super().__init__(message, **kwargs)


class RateLimitError(GatewayError):
    """429: the caller is over its limit; ``retry_after`` is how many seconds to wait."""

    def __init__(self, message: str, *, retry_after: float | None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(GatewayError):
    """5xx: the gateway, a backend of it or the model failed."""


class GatewayConnectionError(GatewayError):
    """No answer: the connection was refused or reset, the name did not resolve, TLS failed."""


class GatewayTimeoutError(GatewayError):
    """No answer in time: a phase of the client's timeouts passed, or ``wait()`` ran out."""


class ExecutionFailedError(GatewayError):
    """An execution whose result was asked for (``executions.wait``) ended ``failed``,
    ``cancelled`` or ``timed_out``; ``execution`` is its record."""

    def __init__(self, execution: Execution) -> None:
        self.execution = execution
        reason = execution.error or f"execution {execution.status}"
        super().__init__(reason, code=f"execution_{execution.status}", execution_id=execution.id)


_CLASS_BY_STATUS: Mapping[int, type[GatewayError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}


def error_from_response(response: httpx.Response) -> GatewayError:
    """The error an error answer (status >= 400, body read) stands for."""
    body = _json_or_none(response)
    detail = body.get("error") if isinstance(body, dict) else None
    if not isinstance(detail, dict):
        detail = {}
    status = response.status_code
    message = str(detail.get("message") or response.text[:500] or response.reason_phrase)
    kwargs: dict[str, Any] = {
        "status_code": status,
        "code": _text(detail.get("code")),
        "body": body,
        "request_id": response.headers.get(REQUEST_ID_HEADER)
        or response.request.headers.get(REQUEST_ID_HEADER),
        "execution_id": _text(detail.get("execution_id"))
        or response.headers.get(EXECUTION_ID_HEADER),
        "response": response,
    }
    error_class = _CLASS_BY_STATUS.get(status, ServerError if status >= 500 else GatewayError)
    if error_class is ValidationError:
        return ValidationError(message, errors=field_errors(detail.get("details")), **kwargs)
    if error_class is RateLimitError:
        return RateLimitError(message, retry_after=retry_after_seconds(response), **kwargs)
    return error_class(message, **kwargs)


def field_errors(details: Any) -> list[FieldError]:
    """The problems of a 422's ``details``: FastAPI's ``{loc, msg, type}`` items (the leading
    ``body`` dropped) or the gateway's ``"path: message"`` lines of a schema check."""
    if not isinstance(details, list):
        return []
    errors: list[FieldError] = []
    for item in details:
        if isinstance(item, dict):
            loc = [str(part) for part in item.get("loc") or []]
            if loc[:1] == ["body"]:
                loc = loc[1:]
            errors.append(
                FieldError(".".join(loc), str(item.get("msg", "")), _text(item.get("type")))
            )
        elif isinstance(item, str):
            path, separator, message = item.partition(": ")
            if separator and " " not in path:
                errors.append(FieldError("" if path == "(root)" else path, message))
            else:
                errors.append(FieldError("", item))
    return errors


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
