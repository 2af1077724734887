"""Clock port."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Time, injectable so tests control it.

    - ``now()`` returns a timezone-aware UTC datetime; successive calls never go backwards.
    - ``monotonic()`` returns seconds from an arbitrary origin, never decreasing; use it for
      durations and deadlines, never ``now()``.
    - ``sleep(seconds)`` suspends the caller for at least ``seconds`` of this clock's time;
      ``sleep(0)`` yields to the event loop. Negative values are treated as 0.
    """

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...
