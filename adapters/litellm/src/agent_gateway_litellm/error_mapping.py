"""Translates litellm exceptions into the core LLMError tree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agent_gateway_core.errors import LLMConnectionError, LLMError, LLMTimeoutError
from agent_gateway_core.llm.backoff import retry_after_seconds
from agent_gateway_core.llm.http_status import error_for_status


def translate_error(litellm: Any, exc: Exception, model: str) -> LLMError | None:
    """The core error for a litellm provider error, or ``None`` if ``exc`` is not one."""
    if not isinstance(exc, tuple(litellm.LITELLM_EXCEPTION_TYPES)):
        return None
    message = str(exc)
    status = getattr(exc, "status_code", None)
    status = status if isinstance(status, int) else None
    retry_after = retry_after_seconds(_response_headers(exc))
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


def _response_headers(exc: Exception) -> dict[str, str]:
    # litellm keeps the provider's headers on the exception; its own ``response`` may be a stub.
    headers: Any = getattr(exc, "litellm_response_headers", None)
    if not headers:
        headers = getattr(getattr(exc, "response", None), "headers", None)
    if not isinstance(headers, Mapping):
        return {}
    return {str(name).lower(): str(value) for name, value in headers.items()}
