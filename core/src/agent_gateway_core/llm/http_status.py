"""Which core LLMError an HTTP status from a model provider means."""

from __future__ import annotations

from agent_gateway_core.errors import (
    LLMAuthenticationError,
    LLMBadRequestError,
    LLMError,
    LLMRateLimitError,
    LLMServiceError,
    LLMTimeoutError,
)


def error_for_status(
    status: int | None, message: str, *, model: str, retry_after: float | None = None
) -> LLMError:
    """The core error for an HTTP status from the provider (``None``: unknown fault).

    429 is a rate limit, 408 a timeout, 401/403 an authentication failure, any other 4xx a
    bad request; 5xx and anything else a service error.
    """
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
