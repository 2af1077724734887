"""A Clock that moves only when the test says so."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import UTC, datetime, timedelta

from agent_gateway_core.ports.clock import Clock

DEFAULT_START = datetime(2025, 1, 1, tzinfo=UTC)


class ManualClock(Clock):
    """Time stands still until :meth:`advance`; ``sleep`` returns once advanced past its deadline.

    ``now()`` is ``start`` plus the time advanced so far; ``monotonic()`` is the time advanced
    so far. For the real clock use :class:`agent_gateway_core.clock.SystemClock`.
    """

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.utcoffset() is None:
            raise ValueError(f"ManualClock start must be timezone-aware, got {start!r}")
        self._start = start.astimezone(UTC)
        self._elapsed = 0.0
        self._order = itertools.count()
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return self._elapsed

    @property
    def sleepers(self) -> int:
        """How many ``sleep`` calls are waiting for the clock to advance."""
        return sum(1 for _, _, future in self._sleepers if not future.done())

    @property
    def next_wakeup(self) -> float | None:
        """The ``monotonic()`` time at which the earliest waiting ``sleep`` returns, if any."""
        waiting = [deadline for deadline, _, future in self._sleepers if not future.done()]
        return min(waiting, default=None)

    def advance(self, seconds: float) -> None:
        """Move time forward and wake every sleeper whose deadline has passed."""
        if seconds < 0:
            raise ValueError(f"ManualClock cannot go backwards: advance({seconds})")
        self._elapsed += seconds
        while self._sleepers and self._sleepers[0][0] <= self._elapsed:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():  # a cancelled sleeper's future is already done
                future.set_result(None)

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._elapsed + seconds, next(self._order), future))
        await future
