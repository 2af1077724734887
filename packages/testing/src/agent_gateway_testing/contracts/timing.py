"""How a contract suite lets time pass: real sleeps by default, or a fake clock's advance."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from agent_gateway_core.testing.clock import ManualClock

AdvanceTime = Callable[[float], Awaitable[None]]
"""Make at least ``seconds`` pass on the clock of the backend under test."""


async def let_real_time_pass(seconds: float) -> None:
    """The default ``advance_time``: for backends whose expiry follows the wall clock."""
    await asyncio.sleep(seconds)


def advance_manual_clock(clock: ManualClock) -> AdvanceTime:
    """An ``advance_time`` for backends built on a :class:`ManualClock`."""

    async def advance(seconds: float) -> None:
        await _let_ready_tasks_run()  # tasks started just before reach their sleep first
        clock.advance(seconds)
        await _let_ready_tasks_run()

    return advance


async def _let_ready_tasks_run() -> None:
    # A few loop turns: enough for a task to go from created to suspended in its sleep.
    for _ in range(5):
        await asyncio.sleep(0)
