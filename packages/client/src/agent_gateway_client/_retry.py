"""When a request is sent again, and how long the client waits first.

A request is resent only when sending it twice cannot do something twice: GET, HEAD, PUT,
DELETE and OPTIONS always, any other method (POST, PATCH) only with an ``Idempotency-Key``,
which makes the server answer a repeat with the first request's outcome. A connection that
could not be opened is retried whatever the method: nothing reached the server.

It is resent on 429, 502, 503 and 504, except when the error body names an execution: that
answer is the execution's own outcome (its model failed, it timed out), which a repeat would
only replay. The wait is exponential with jitter, or what ``Retry-After`` asks, up to
:data:`MAX_RETRY_AFTER` seconds; a server asking for longer gets the error at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
MAX_RETRY_AFTER = 60.0
"""The longest ``Retry-After`` the client waits out by itself, in seconds."""
ANSWERS = "agent_gateway_client.answers"
"""A request extension: the error statuses the caller takes as answers (never retried)."""

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """``max_retries`` resends at most, waiting about ``backoff_base * 2**attempt`` seconds
    (at most ``backoff_max``) before each."""

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 8.0

    def resendable(self, request: httpx.Request) -> bool:
        """Whether sending ``request`` twice does no more than sending it once."""
        return request.method in IDEMPOTENT_METHODS or IDEMPOTENCY_KEY_HEADER in request.headers

    def retries_error(self, request: httpx.Request, error: httpx.TransportError) -> bool:
        """Whether a transport error is worth another attempt: only a connection that could
        not be opened, where nothing was sent."""
        return isinstance(error, _NOT_SENT)

    def retries_response(self, request: httpx.Request, response: httpx.Response) -> bool:
        """Whether an answer (body read) is worth another attempt."""
        return (
            response.status_code in RETRYABLE_STATUSES
            and response.status_code not in request.extensions.get(ANSWERS, ())
            and self.resendable(request)
            and not _names_an_execution(response)
        )

    def delay(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait before resend number ``attempt`` (from 0); ``None`` when the server
        asks to wait longer than :data:`MAX_RETRY_AFTER`."""
        if retry_after is not None:
            return retry_after if retry_after <= MAX_RETRY_AFTER else None
        ceiling = min(self.backoff_max, self.backoff_base * 2.0**attempt)
        return ceiling * (0.5 + random.random() / 2)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date; ``None`` if absent or
    unreadable."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _names_an_execution(response: httpx.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and bool(error.get("execution_id"))
