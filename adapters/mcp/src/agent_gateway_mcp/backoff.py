"""How long to wait before connecting again."""

from __future__ import annotations

import random


def backoff_delay(failures: int, *, initial: float, maximum: float) -> float:
    """``initial`` doubled per failure after the first, capped at ``maximum``, with ±20%
    jitter so that servers restarted together are not reconnected in lockstep."""
    base = min(maximum, initial * 2.0 ** max(failures - 1, 0))
    return base * random.uniform(0.8, 1.2)  # jitter, not cryptography
