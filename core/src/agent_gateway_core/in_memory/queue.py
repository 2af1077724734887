"""In-memory ExecutionQueue for one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import heapq
import itertools
import time
import uuid
from dataclasses import dataclass

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.in_memory.health import BackendHealth
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.execution_queue import (
    Delivery,
    ExecutionJob,
    ExecutionQueue,
    check_queue_settings,
)


@dataclass(slots=True)
class _InFlight:
    job: ExecutionJob
    order: int  # the job's place in line, kept so a redelivered job stays ahead of newer ones
    visible_again_at: float


class InMemoryExecutionQueue(ExecutionQueue):
    """The ExecutionQueue port in memory, shared by every consumer holding this object.

    Visibility timeouts and cancellation expiry follow ``clock`` (a ``ManualClock`` drives
    them in tests). ``receive`` blocks up to ``timeout_seconds`` of real time, like a broker's
    blocking read, re-checking expired deliveries every ``poll_interval_seconds``. A delivery
    whose visibility timeout passes on its last attempt goes to the dead letters. Set
    ``available = False`` to make every call raise ``BackendUnavailableError``.

    Every state change happens between two awaits, so the event loop alone serialises them.
    """

    def __init__(
        self,
        *,
        max_attempts: int = 3,
        visibility_timeout_seconds: float = 300.0,
        cancel_ttl_seconds: float = 3600.0,
        clock: Clock | None = None,
        poll_interval_seconds: float = 0.02,
    ) -> None:
        check_queue_settings(
            max_attempts,
            visibility_timeout_seconds=visibility_timeout_seconds,
            cancel_ttl_seconds=cancel_ttl_seconds,
        )
        self.max_attempts = max_attempts
        self._visibility_timeout = visibility_timeout_seconds
        self._cancel_ttl = cancel_ttl_seconds
        self._clock = clock or SystemClock()
        self._poll_interval = poll_interval_seconds
        self._health = BackendHealth("in-memory execution queue")
        self._order = itertools.count()
        self._ready: list[tuple[int, ExecutionJob]] = []  # a heap: oldest first
        self._in_flight: dict[str, _InFlight] = {}
        self._dead: list[ExecutionJob] = []
        self._cancel_expiry: dict[str, float] = {}
        self._job_arrived = asyncio.Event()

    @property
    def available(self) -> bool:
        """``False`` simulates an outage: calls raise ``BackendUnavailableError``."""
        return self._health.available

    @available.setter
    def available(self, value: bool) -> None:
        self._health.available = value

    @property
    def visibility_timeout_seconds(self) -> float:
        """How long a received job stays invisible before it is delivered again."""
        return self._visibility_timeout

    async def enqueue(self, job: ExecutionJob) -> None:
        await self._health.round_trip()
        if job.execution_id in self._pending_ids():
            return
        heapq.heappush(self._ready, (next(self._order), job))
        self._job_arrived.set()

    async def receive(self, timeout_seconds: float) -> Delivery | None:
        await self._health.round_trip()
        deadline = time.monotonic() + max(0.0, timeout_seconds)
        while True:
            delivery = self._hand_out()
            remaining = deadline - time.monotonic()
            if delivery is not None or remaining <= 0:
                return delivery
            self._job_arrived.clear()
            # Waking on a timeout is the cue to look for deliveries whose visibility passed.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._job_arrived.wait(), min(remaining, self._poll_interval)
                )

    async def extend(self, delivery: Delivery) -> None:
        await self._health.round_trip()
        self._reclaim_expired()  # a delivery already past its timeout is not brought back
        in_flight = self._in_flight.get(delivery.receipt)
        if in_flight is not None:
            in_flight.visible_again_at = self._clock.monotonic() + self._visibility_timeout

    async def ack(self, delivery: Delivery) -> None:
        await self._health.round_trip()
        self._in_flight.pop(delivery.receipt, None)

    async def retry(self, delivery: Delivery, error: str) -> bool:
        await self._health.round_trip()
        in_flight = self._in_flight.pop(delivery.receipt, None)
        if in_flight is None:  # acked, or its visibility timeout already put it back
            return False
        return self._requeue(in_flight)

    async def release(self, delivery: Delivery) -> None:
        await self._health.round_trip()
        self._reclaim_expired()  # a delivery already past its timeout is back on its own
        in_flight = self._in_flight.pop(delivery.receipt, None)
        if in_flight is None:  # acked, retried, released, or its visibility timeout passed
            return
        heapq.heappush(self._ready, (in_flight.order, in_flight.job))  # keeps its place
        self._job_arrived.set()

    async def dead_letters(self) -> list[ExecutionJob]:
        await self._health.round_trip()
        self._reclaim_expired()
        return list(self._dead)

    async def request_cancel(self, execution_id: str) -> None:
        await self._health.round_trip()
        self._cancel_expiry[execution_id] = self._clock.monotonic() + self._cancel_ttl

    async def is_cancel_requested(self, execution_id: str) -> bool:
        await self._health.round_trip()
        return self._cancelled(execution_id)

    async def pending_count(self) -> int:
        await self._health.round_trip()
        self._reclaim_expired()
        return len(self._ready) + len(self._in_flight)

    async def aclose(self) -> None:
        """Nothing to release; jobs stay inspectable after close."""

    def _pending_ids(self) -> set[str]:
        ready = {job.execution_id for _, job in self._ready}
        return ready | {f.job.execution_id for f in self._in_flight.values()}

    def _hand_out(self) -> Delivery | None:
        self._reclaim_expired()
        while self._ready:
            order, job = heapq.heappop(self._ready)
            if self._cancelled(job.execution_id):
                continue
            receipt = uuid.uuid4().hex
            visible_again_at = self._clock.monotonic() + self._visibility_timeout
            self._in_flight[receipt] = _InFlight(job, order, visible_again_at)
            return Delivery(job=job, receipt=receipt, attempt=job.attempt)
        return None

    def _reclaim_expired(self) -> None:
        now = self._clock.monotonic()
        expired = [r for r, f in self._in_flight.items() if f.visible_again_at <= now]
        for receipt in expired:
            self._requeue(self._in_flight.pop(receipt))

    def _requeue(self, in_flight: _InFlight) -> bool:
        job = in_flight.job
        if job.attempt >= self.max_attempts:
            self._dead.append(job)
            return False
        next_attempt = dataclasses.replace(job, attempt=job.attempt + 1)
        heapq.heappush(self._ready, (in_flight.order, next_attempt))
        self._job_arrived.set()
        return True

    def _cancelled(self, execution_id: str) -> bool:
        expiry = self._cancel_expiry.get(execution_id)
        if expiry is None:
            return False
        if expiry <= self._clock.monotonic():
            del self._cancel_expiry[execution_id]
            return False
        return True
