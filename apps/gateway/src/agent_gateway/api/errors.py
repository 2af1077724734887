"""One error body for every 4xx/5xx, and the one place domain errors become HTTP statuses.

Every error response has the shape::

    {"error": {"code": "agent_not_found", "message": "agent not found: 'x'",
               "details": [...], "execution_id": "..."}}
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent_gateway.api.allowed_methods import allowed_methods
from agent_gateway.request_ids import request_log_tag
from agent_gateway_core import errors as core

logger = logging.getLogger("agent_gateway.api")


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[Any] | None = None
    execution_id: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


# Most specific first: the first isinstance match wins.
_STATUS_BY_ERROR: tuple[tuple[type[core.AgentGatewayError], int], ...] = (
    (core.AgentDisabledError, 403),
    (core.NotFoundError, 404),
    (core.NotPersonalAgentError, 400),
    (core.InputValidationError, 422),
    (core.ScheduleValidationError, 422),
    (core.McpServerValidationError, 422),
    (core.ConflictError, 409),
    (core.AuthenticationError, 401),
    (core.AuthorizationError, 403),
    (core.RateLimitExceededError, 429),
    (core.BackendUnavailableError, 503),
    (core.SecretKeyMissingError, 503),
    (core.MemoryNotConfiguredError, 503),
    (core.SecretDecryptionError, 503),
    (core.LLMTimeoutError, 504),
    (core.ExecutionTimeoutError, 504),
    (core.LLMError, 502),
    (core.OutputValidationError, 502),
    (core.ExecutionCancelledError, 409),
    (core.ConfigError, 500),
)

# Execution outcomes (a result, not an exception) mapped to a status for sync HTTP calls.
# Any other ``llm_*`` code is a failure of the model provider: 502.
STATUS_BY_ERROR_CODE: dict[str, int] = {
    "llm_timeout": 504,
    "execution_timeout": 504,
    "execution_cancelled": 409,
    "guardrail_triggered": 422,
    "output_validation_error": 502,
    # Another instance ended it: this one was cut off from the store past its lease.
    "gateway_stopped": 503,
}


def status_for(exc: core.AgentGatewayError) -> int:
    for error_type, status in _STATUS_BY_ERROR:
        if isinstance(exc, error_type):
            return status
    return 500


def status_for_error_code(code: str | None) -> int:
    """The status of a sync call whose execution ended with ``code`` (500 if unknown)."""
    if code in STATUS_BY_ERROR_CODE:
        return STATUS_BY_ERROR_CODE[code]
    if code is not None and code.startswith("llm_"):
        return 502
    return 500


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    details: list[Any] | None = None,
    execution_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(
        error=ErrorDetail(code=code, message=message, details=details, execution_id=execution_id)
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def domain_error_response(
    exc: core.AgentGatewayError, *, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The error response for a domain error; ``headers`` are added to it."""
    status = status_for(exc)
    details: list[Any] | None = None
    if isinstance(exc, core.InputValidationError | core.OutputValidationError) and exc.errors:
        details = list(exc.errors)
    elif isinstance(exc, core.WorkspaceError):
        details = [str(p) for p in exc.problems]
    if isinstance(exc, core.MissingScopeError):
        details = [{"missing_scope": exc.scope}]
    message = str(exc)
    if isinstance(exc, core.BackendUnavailableError):
        # The full message may name the server (a DSN's host and user): the log has it.
        logger.warning("backend unavailable: %s%s", message, request_log_tag())
        message = exc.public_message
    elif isinstance(exc, core.LLMError):
        # The provider's own text (it may quote the request) goes to the log only.
        logger.warning(
            "model call failed: %s: %s%s", type(exc).__name__, message, request_log_tag()
        )
        message = exc.public_message
    all_headers = _challenge(exc)
    all_headers.update(headers or {})
    execution_id = getattr(exc, "execution_id", None)
    return error_response(
        status, exc.code, message, details=details, execution_id=execution_id, headers=all_headers
    )


REALM = "agent-gateway"


def _challenge(exc: core.AgentGatewayError) -> dict[str, str]:
    """The ``WWW-Authenticate`` header of an authentication or scope error (RFC 6750 §3)."""
    if isinstance(exc, core.MissingCredentialsError):
        return {"WWW-Authenticate": f'Bearer realm="{REALM}"'}
    if isinstance(exc, core.AuthenticationError):
        description = _quotable(str(exc))
        return {
            "WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_token", '
            f'error_description="{description}"'
        }
    if isinstance(exc, core.RateLimitExceededError):
        return rate_limit_headers(exc)
    if isinstance(exc, core.MissingScopeError):
        return {
            "WWW-Authenticate": f'Bearer realm="{REALM}", error="insufficient_scope", '
            f'scope="{_quotable(exc.scope)}"'
        }
    return {}


def rate_limit_headers(exc: core.RateLimitExceededError) -> dict[str, str]:
    """``Retry-After`` and the ``X-RateLimit-*`` headers of a refused request."""
    wait = max(1, math.ceil(exc.reset_at - time.time()))
    return {
        "Retry-After": str(wait),
        "X-RateLimit-Limit": str(exc.allowed),
        "X-RateLimit-Remaining": str(max(0, exc.remaining)),
        "X-RateLimit-Reset": str(math.ceil(exc.reset_at)),
    }


def _quotable(text: str) -> str:
    """``text`` as RFC 6750 allows inside a quoted header value: printable ASCII without
    ``"`` or ``\\``."""
    return "".join(c for c in text if " " <= c <= "~" and c not in '"\\')[:200]


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, core.AgentGatewayError)
    if status_for(exc) >= 500:
        logger.error(
            "request failed: %s %s: %s%s", request.method, request.url.path, exc, request_log_tag()
        )
    return domain_error_response(exc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    problems = "; ".join(f"{'.'.join(str(p) for p in d['loc'])}: {d['msg']}" for d in details)
    return error_response(
        422, "request_validation_error", f"invalid request: {problems}", details=details
    )


_HTTP_ERROR_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request)  # all of the path's, not one route's
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=headers)
    return error_response(
        exc.status_code,
        _HTTP_ERROR_CODES.get(exc.status_code, f"http_{exc.status_code}"),
        str(exc.detail),
        headers=headers or None,
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception(
        "unhandled error on %s %s%s", request.method, request.url.path, request_log_tag()
    )
    return error_response(500, "internal_error", "internal server error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(core.AgentGatewayError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
