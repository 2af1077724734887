"""Whether, and after how long, a failed model call is tried again."""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from agent_gateway_core.errors import LLMError

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter, capped at ``max_seconds``.

    A ``Retry-After`` from the provider replaces the computed delay (still capped), so a
    rate-limited call waits as long as asked but never longer than the cap.
    """

    base_seconds: float = 0.5
    max_seconds: float = 8.0

    def __post_init__(self) -> None:
        if self.base_seconds < 0 or self.max_seconds < 0:
            raise ValueError(
                "backoff_base_seconds and backoff_max_seconds must be 0 or more, got "
                f"{self.base_seconds} and {self.max_seconds}"
            )

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (0 for the first)."""
        if retry_after is not None:
            return min(retry_after, self.max_seconds)
        ceiling = min(self.max_seconds, self.base_seconds * 2.0**attempt)
        # Equal jitter: at least half the ceiling, so retries neither stampede nor come too soon.
        return ceiling / 2 + random.uniform(0, ceiling / 2)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Up to ``max_retries`` more attempts for a retryable :class:`LLMError`, with ``backoff``."""

    max_retries: int = 3
    backoff: Backoff = field(default_factory=Backoff)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {self.max_retries}")

    def delay_before_retry(self, error: LLMError, attempt: int) -> float | None:
        """Seconds to wait before retrying failed attempt ``attempt`` (0 for the first).

        ``None`` when ``error`` is final: not retryable, or the retries are spent.
        """
        if not error.retryable or attempt >= self.max_retries:
            return None
        delay = self.backoff.delay(attempt, error.retry_after)
        _log.info(
            "retrying %s in %.2f s after %s (attempt %d of %d)",
            error.model,
            delay,
            type(error).__name__,
            attempt + 2,
            self.max_retries + 1,
        )
        return delay


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds the provider asked to wait (``retry-after-ms`` or ``Retry-After``), if it did.

    ``headers`` must answer lower-case names (a case-insensitive mapping, or lower-cased keys).
    ``Retry-After`` may be seconds or an HTTP date; a value that is neither is ignored.
    """
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
