"""Pure pieces of the adapter: litellm exceptions translated, Retry-After read from them.

The shared pieces (backoff, status mapping, tool-call parsing) are tested in core/tests/llm.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from agent_gateway_core.errors import (
    LLMAuthenticationError,
    LLMBadRequestError,
    LLMConnectionError,
    LLMError,
    LLMRateLimitError,
    LLMServiceError,
    LLMTimeoutError,
)
from agent_gateway_litellm.error_mapping import translate_error
from agent_gateway_litellm.litellm_loader import load_litellm

pytestmark = pytest.mark.unit

_MODEL = "openai/m"


def _litellm_errors() -> list[tuple[Exception, type[LLMError], int | None]]:
    litellm = load_litellm()
    common = {"message": "boom", "llm_provider": "openai", "model": "m"}
    return [
        (litellm.RateLimitError(**common), LLMRateLimitError, 429),
        (litellm.Timeout(**common), LLMTimeoutError, 408),
        (litellm.APIConnectionError(**common), LLMConnectionError, None),
        (litellm.AuthenticationError(**common), LLMAuthenticationError, 401),
        (
            litellm.PermissionDeniedError(**common, response=_response(403)),
            LLMAuthenticationError,
            403,
        ),
        (litellm.BadRequestError(**common), LLMBadRequestError, 400),
        (litellm.ContextWindowExceededError(**common), LLMBadRequestError, 400),
        (litellm.NotFoundError(**common), LLMBadRequestError, 404),
        (
            litellm.UnprocessableEntityError(**common, response=_response(422)),
            LLMBadRequestError,
            422,
        ),
        (litellm.InternalServerError(**common), LLMServiceError, 500),
        (litellm.ServiceUnavailableError(**common), LLMServiceError, 503),
        (litellm.APIError(status_code=502, **common), LLMServiceError, 502),
    ]


def _response(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, headers=headers, request=httpx.Request("POST", "http://127.0.0.1/v1")
    )


def test_every_litellm_error_maps_to_its_core_error() -> None:
    for exc, expected, status in _litellm_errors():
        error = translate_error(load_litellm(), exc, _MODEL)

        assert type(error) is expected, type(exc).__name__
        assert error.model == _MODEL
        assert error.status_code == status, type(exc).__name__
        assert "boom" in str(error)


def test_errors_that_are_not_litellm_errors_are_left_alone() -> None:
    assert translate_error(load_litellm(), ValueError("a bug"), _MODEL) is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "0.25"}, 0.25),
        ({"retry-after-ms": "150", "retry-after": "9"}, 0.15),
        ({}, None),
        (None, None),
    ],
)
def test_retry_after_is_read_from_litellms_headers(headers: Any, expected: float | None) -> None:
    litellm = load_litellm()
    exc = litellm.RateLimitError(message="slow down", llm_provider="openai", model="m")
    exc.litellm_response_headers = headers  # where litellm keeps the provider's headers

    error = translate_error(litellm, exc, _MODEL)

    assert isinstance(error, LLMRateLimitError)
    assert error.retry_after == expected


def test_retry_after_falls_back_to_the_response_headers() -> None:
    litellm = load_litellm()
    exc = litellm.RateLimitError(
        message="slow down",
        llm_provider="openai",
        model="m",
        response=_response(429, {"retry-after": "3"}),
    )

    error = translate_error(litellm, exc, _MODEL)

    assert isinstance(error, LLMRateLimitError)
    assert error.retry_after == 3.0
