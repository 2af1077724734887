"""Backoff between retries, when to give up, and the wait a provider asks for in Retry-After."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Callable

import pytest

from agent_gateway_core.errors import (
    LLMAuthenticationError,
    LLMRateLimitError,
    LLMServiceError,
)
from agent_gateway_core.llm.backoff import Backoff, RetryPolicy, retry_after_seconds

pytestmark = pytest.mark.unit


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    backoff = Backoff(base_seconds=0.5, max_seconds=3.0)

    for attempt, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 3.0), (10, 3.0)]:
        delays = [backoff.delay(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), attempt


def test_backoff_uses_retry_after_within_the_cap() -> None:
    backoff = Backoff(base_seconds=0.5, max_seconds=3.0)

    assert backoff.delay(0, retry_after=1.5) == 1.5
    assert backoff.delay(0, retry_after=60) == 3.0


def test_a_retryable_error_is_retried_until_the_retries_are_spent() -> None:
    policy = RetryPolicy(max_retries=2, backoff=Backoff(base_seconds=0.1, max_seconds=1.0))
    error = LLMServiceError("down", model="m")

    delays = [policy.delay_before_retry(error, attempt) for attempt in range(3)]

    assert delays[2] is None, "two retries, then the error is final"
    first, second = delays[0] or 0.0, delays[1] or 0.0
    assert 0.05 <= first <= 0.1
    assert 0.1 <= second <= 0.2


def test_a_final_error_is_never_retried() -> None:
    policy = RetryPolicy(max_retries=5)

    assert policy.delay_before_retry(LLMAuthenticationError("bad key", model="m"), 0) is None


def test_retry_after_sets_the_delay(caplog: pytest.LogCaptureFixture) -> None:
    policy = RetryPolicy(max_retries=1, backoff=Backoff(max_seconds=5.0))
    error = LLMRateLimitError("slow down", model="openai/m", retry_after=1.25)

    with caplog.at_level("INFO", logger="agent_gateway_core.llm.backoff"):
        assert policy.delay_before_retry(error, 0) == 1.25

    assert "retrying openai/m in 1.25 s after LLMRateLimitError" in caplog.text


@pytest.mark.parametrize(
    ("build", "problem"),
    [
        (lambda: RetryPolicy(max_retries=-1), "max_retries must be 0 or more, got -1"),
        (lambda: Backoff(base_seconds=-0.1), "backoff_base_seconds and backoff_max_seconds"),
        (lambda: Backoff(max_seconds=-1), "must be 0 or more, got 0.5 and -1"),
    ],
)
def test_negative_settings_are_rejected(build: Callable[[], object], problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        build()


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"retry-after-ms": "150", "retry-after": "9"}, 0.15),
        ({"retry-after-ms": "soon", "retry-after": "9"}, 9.0),
        ({"retry-after": "-3"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_is_read_from_the_headers(
    headers: dict[str, str], expected: float | None
) -> None:
    assert retry_after_seconds(headers) == expected


def test_retry_after_accepts_an_http_date() -> None:
    in_ten_seconds = email.utils.formatdate(time.time() + 10, usegmt=True)

    seconds = retry_after_seconds({"retry-after": in_ten_seconds})

    assert seconds is not None
    assert 8 <= seconds <= 10
