"""How deliveries are attempted and retried."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryConfig:
    """- ``max_attempts`` (``notifications.max_attempts``): attempts before a delivery ends
      ``failed``.
    - ``retry_base_seconds`` (``notifications.retry_base_seconds``): the wait after attempt
      *n* is ``base * 2^(n-1)``, capped at ``max_backoff_seconds``, with jitter (between half
      and all of it); a channel's Retry-After is honoured when longer.
    - ``lease_seconds``: how long a process holds a delivery it attempts; past it, another
      may take it over (the holder died).
    - ``poll_seconds``: how often a process looks for due deliveries, besides being woken by
      new ones it wrote itself.
    - ``concurrency``: deliveries attempted at once by one process.
    """

    max_attempts: int = 5
    retry_base_seconds: float = 2.0
    max_backoff_seconds: float = 300.0
    lease_seconds: float = 60.0
    poll_seconds: float = 2.0
    concurrency: int = 8

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.retry_base_seconds < 0 or self.poll_seconds <= 0 or self.lease_seconds <= 0:
            raise ValueError("retry_base_seconds must be 0 or more; poll and lease positive")
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")

    def retry_delay(
        self, attempts: int, retry_after: float | None = None, rng: random.Random | None = None
    ) -> float:
        """Seconds to wait after ``attempts`` failed attempts."""
        ceiling = min(self.max_backoff_seconds, self.retry_base_seconds * 2.0 ** (attempts - 1))
        jittered: float = ceiling * (0.5 + 0.5 * (rng or random.Random()).random())
        return max(jittered, retry_after or 0.0)
