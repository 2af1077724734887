"""Pure pieces of the adapter: error translation, Retry-After, backoff, tool-call parsing."""

from __future__ import annotations

import email.utils
import time
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
from agent_gateway_litellm import LiteLLMClient
from agent_gateway_litellm.backoff import Backoff
from agent_gateway_litellm.error_mapping import (
    error_for_status,
    retry_after_seconds,
    translate_error,
)
from agent_gateway_litellm.litellm_loader import load_litellm
from agent_gateway_litellm.openai_format import parse_tool_call

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
    ("status", "expected"),
    [
        (429, LLMRateLimitError),
        (408, LLMTimeoutError),
        (401, LLMAuthenticationError),
        (403, LLMAuthenticationError),
        (400, LLMBadRequestError),
        (404, LLMBadRequestError),
        (422, LLMBadRequestError),
        (500, LLMServiceError),
        (529, LLMServiceError),
        (None, LLMServiceError),
    ],
)
def test_status_codes_map_to_core_errors(status: int | None, expected: type[LLMError]) -> None:
    error = error_for_status(status, "provider said no", model=_MODEL)

    assert type(error) is expected
    assert str(error) == "provider said no"


class _RateLimitedError(Exception):
    def __init__(self, headers: Any) -> None:
        super().__init__("rate limited")
        self.litellm_response_headers = headers


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"Retry-After": "0.25"}, 0.25),
        ({"retry-after-ms": "150", "retry-after": "9"}, 0.15),
        ({"retry-after": "-3"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_retry_after_is_read_from_the_headers(headers: Any, expected: float | None) -> None:
    assert retry_after_seconds(_RateLimitedError(headers)) == expected


def test_retry_after_accepts_an_http_date() -> None:
    in_ten_seconds = email.utils.formatdate(time.time() + 10, usegmt=True)

    seconds = retry_after_seconds(_RateLimitedError({"Retry-After": in_ten_seconds}))

    assert seconds is not None
    assert 8 <= seconds <= 10


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


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    backoff = Backoff(base_seconds=0.5, max_seconds=3.0)

    for attempt, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 3.0), (10, 3.0)]:
        delays = [backoff.delay(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), attempt


def test_backoff_uses_retry_after_within_the_cap() -> None:
    backoff = Backoff(base_seconds=0.5, max_seconds=3.0)

    assert backoff.delay(0, retry_after=1.5) == 1.5
    assert backoff.delay(0, retry_after=60) == 3.0


@pytest.mark.parametrize(
    ("arguments", "parsed", "problem"),
    [
        ('{"a": 1}', {"a": 1}, None),
        ("", {}, None),
        (None, {}, None),
        ("{broken", {}, "not valid JSON"),
        ("[1]", {}, "must be a JSON object, got list"),
        ("null", {}, "must be a JSON object, got NoneType"),
    ],
)
def test_tool_call_arguments_are_parsed_or_reported(
    arguments: str | None, parsed: dict[str, Any], problem: str | None
) -> None:
    call = parse_tool_call("call_1", "lookup", arguments)

    assert call.arguments == parsed
    if problem is None:
        assert call.arguments_error is None
    else:
        assert call.arguments_error is not None
        assert problem in call.arguments_error


def test_a_tool_call_without_id_gets_one() -> None:
    first = parse_tool_call(None, "lookup", "{}")
    second = parse_tool_call(None, "lookup", "{}")

    assert first.id.startswith("call_")
    assert first.id != second.id


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"timeout_seconds": 0}, "timeout_seconds must be positive"),
        ({"max_retries": -1}, "max_retries must be 0 or more"),
        ({"backoff_base_seconds": -0.1}, "backoff_base_seconds"),
        ({"backoff_max_seconds": -1}, "backoff_max_seconds"),
    ],
)
def test_invalid_options_are_rejected(options: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        LiteLLMClient(**options)
