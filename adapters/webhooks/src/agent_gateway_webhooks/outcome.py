"""What a receiver's HTTP status means for the delivery."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus

from agent_gateway_core.errors import NotificationDeliveryError

PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 410, 422})
"""The receiver rejects this request as such; sending it again gets the same answer."""

RETRY_AFTER_STATUSES = frozenset({429, 503})


def failure_for_status(
    status: int, retry_after: str | None, *, where: str, now: datetime | None = None
) -> NotificationDeliveryError | None:
    """``None`` for a 2xx; otherwise the failure to raise.

    - 3xx: permanent (redirects are not followed: they could lead past the SSRF guard);
    - 400, 401, 403, 404, 410, 422: permanent;
    - 429 and 503: retryable, no sooner than ``Retry-After`` (seconds or an HTTP date) if any;
    - any other status: retryable.
    """
    if 200 <= status < 300:
        return None
    answered = f"{where} answered {_status_text(status)}"
    if 300 <= status < 400:
        return NotificationDeliveryError(
            f"{answered}; redirects are not followed, configure the final URL", permanent=True
        )
    if status in PERMANENT_STATUSES:
        return NotificationDeliveryError(answered, permanent=True)
    seconds = None
    if status in RETRY_AFTER_STATUSES and retry_after is not None:
        seconds = parse_retry_after(retry_after, now=now)
    if seconds is not None:
        return NotificationDeliveryError(
            f"{answered}; retry after {seconds:g}s", retry_after=seconds
        )
    return NotificationDeliveryError(answered)


def parse_retry_after(value: str, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay seconds or an HTTP date), never
    negative; ``None`` when it is neither."""
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN, infinity
        return None
    return max(0.0, seconds)


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
