"""The real Clock."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from agent_gateway_core.ports.clock import Clock


class SystemClock(Clock):
    """Wall-clock time in UTC, ``time.monotonic`` and ``asyncio.sleep``."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))
