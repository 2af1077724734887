"""How long to wait before retrying a failed model call."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter, capped at ``max_seconds``.

    A ``Retry-After`` from the provider replaces the computed delay (still capped), so a
    rate-limited call waits as long as asked but never longer than the cap.
    """

    base_seconds: float = 0.5
    max_seconds: float = 8.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (0 for the first)."""
        if retry_after is not None:
            return min(retry_after, self.max_seconds)
        ceiling = min(self.max_seconds, self.base_seconds * 2.0**attempt)
        # Equal jitter: at least half the ceiling, so retries neither stampede nor come too soon.
        return ceiling / 2 + random.uniform(0, ceiling / 2)
