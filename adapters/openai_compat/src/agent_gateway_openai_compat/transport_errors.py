"""Translates aiohttp and timeout exceptions into the core LLMError tree."""

from __future__ import annotations

import aiohttp

from agent_gateway_core.errors import (
    LLMBadRequestError,
    LLMConnectionError,
    LLMError,
    LLMTimeoutError,
)
from agent_gateway_core.llm.http_status import error_for_status

TRANSPORT_ERRORS = (aiohttp.ClientError, TimeoutError)


def transport_error(exc: BaseException, *, model: str, url: str, timeout: float) -> LLMError:
    """The core error for a failure to exchange the request with the server at ``url``."""
    # aiohttp's own timeouts are also ClientErrors (ServerTimeoutError): check them first.
    if isinstance(exc, TimeoutError):
        return LLMTimeoutError(f"model call timed out after {timeout} s", model=model)
    if isinstance(exc, aiohttp.InvalidURL):
        return LLMBadRequestError(f"api_base is not a valid URL: {url!r}", model=model)
    if isinstance(exc, aiohttp.ClientResponseError):  # e.g. too many redirects
        return error_for_status(exc.status, f"model server at {url}: {exc}", model=model)
    return LLMConnectionError(f"cannot reach the model server at {url}: {exc}", model=model)
