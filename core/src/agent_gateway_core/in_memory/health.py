"""The up/down switch shared by the in-memory backends."""

from __future__ import annotations

import asyncio

from agent_gateway_core.errors import BackendUnavailableError


class BackendHealth:
    """Whether an in-memory backend answers; tests flip ``available`` to simulate an outage."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.available = True

    async def round_trip(self) -> None:
        """Stand in for one I/O round trip: yield to the loop, fail if the backend is down.

        Yielding matters: a real backend suspends on every call, so a store that forgot its
        lock around a read-modify-write loses races here just as it would in production.
        """
        await asyncio.sleep(0)
        if not self.available:
            raise BackendUnavailableError(f"{self.name} is unavailable (simulated outage)")
