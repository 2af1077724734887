"""Translates litellm exceptions into the core LLMError tree."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any

from agent_gateway_core.errors import (
    LLMAuthenticationError,
    LLMBadRequestError,
    LLMConnectionError,
    LLMError,
    LLMRateLimitError,
    LLMServiceError,
    LLMTimeoutError,
)


def translate_error(litellm: Any, exc: Exception, model: str) -> LLMError | None:
    """The core error for a litellm provider error, or ``None`` if ``exc`` is not one."""
    if not isinstance(exc, tuple(litellm.LITELLM_EXCEPTION_TYPES)):
        return None
    message = str(exc)
    status = getattr(exc, "status_code", None)
    status = status if isinstance(status, int) else None
    retry_after = retry_after_seconds(exc)
    if isinstance(exc, litellm.Timeout):
        return LLMTimeoutError(f"model call timed out: {message}", model=model, status_code=status)
    if isinstance(exc, litellm.APIConnectionError) or _connection_failed(litellm, exc):
        return LLMConnectionError(message, model=model, retry_after=retry_after)
    return error_for_status(status, message, model=model, retry_after=retry_after)


def _connection_failed(litellm: Any, exc: BaseException) -> bool:
    # litellm reports a refused connection to an OpenAI-style API as a 500 InternalServerError;
    # the SDK's APIConnectionError further down the chain tells the truth.
    connection_error = litellm.openai.APIConnectionError
    timeout_error = litellm.openai.APITimeoutError
    cause = exc.__cause__ or exc.__context__
    for _ in range(8):  # the chain is short; the bound guards against cycles
        if cause is None:
            return False
        if isinstance(cause, connection_error) and not isinstance(cause, timeout_error):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def error_for_status(
    status: int | None, message: str, *, model: str, retry_after: float | None = None
) -> LLMError:
    """The core error for an HTTP status from the provider (``None``: unknown fault)."""
    kind: type[LLMError]
    if status == 429:
        kind = LLMRateLimitError
    elif status == 408:
        kind = LLMTimeoutError
    elif status in (401, 403):
        kind = LLMAuthenticationError
    elif status is not None and 400 <= status < 500:
        kind = LLMBadRequestError
    else:
        kind = LLMServiceError
    return kind(message, model=model, status_code=status, retry_after=retry_after)


def retry_after_seconds(exc: Exception) -> float | None:
    """Seconds the provider asked to wait (``retry-after-ms`` or ``Retry-After``), if it did."""
    headers = _response_headers(exc)
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _response_headers(exc: Exception) -> dict[str, str]:
    # litellm keeps the provider's headers on the exception; its own ``response`` may be a stub.
    headers: Any = getattr(exc, "litellm_response_headers", None)
    if not headers:
        headers = getattr(getattr(exc, "response", None), "headers", None)
    if not isinstance(headers, Mapping):
        return {}
    return {str(name).lower(): str(value) for name, value in headers.items()}
