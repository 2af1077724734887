"""The consume loop of a queue worker: receive jobs, run up to ``concurrency`` at a time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.execution_queue import Delivery, ExecutionQueue

logger = logging.getLogger(__name__)


class QueueWorker:
    """Hands each delivery of ``queue`` to ``run_job`` (which acks, retries or gives up).

    A queue that is unreachable is retried every ``receive_timeout_seconds``, so a worker
    outlives a broker restart. While a job runs, its delivery is extended every third of the
    queue's visibility timeout, so a long run is not handed to another consumer. Cancelling
    :meth:`run` cancels the jobs running too.
    """

    def __init__(
        self,
        queue: ExecutionQueue,
        run_job: Callable[[Delivery], Coroutine[Any, Any, None]],
        *,
        concurrency: int = 8,
        receive_timeout_seconds: float = 1.0,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self._queue = queue
        self._run_job = run_job
        self._slots = asyncio.Semaphore(concurrency)
        self._receive_timeout = receive_timeout_seconds
        self._draining = asyncio.Event()

    async def run(self) -> None:
        """Receive and run jobs until cancelled, or until :meth:`stop_receiving`: then return
        once the jobs running have finished."""
        running: set[asyncio.Task[None]] = set()
        try:
            while not self._draining.is_set():
                await self._slots.acquire()
                delivery = await self._receive() if not self._draining.is_set() else None
                if delivery is None:
                    self._slots.release()
                    continue
                task = asyncio.create_task(self._run_extending(delivery))
                running.add(task)
                task.add_done_callback(running.discard)
                task.add_done_callback(lambda _: self._slots.release())
            await asyncio.gather(*running, return_exceptions=True)
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    def stop_receiving(self) -> None:
        """Take no new job (the receive waiting now ends within ``receive_timeout_seconds``);
        :meth:`run` returns once the running ones finish."""
        self._draining.set()

    async def _run_extending(self, delivery: Delivery) -> None:
        keepalive = asyncio.create_task(self._keep_extending(delivery))
        try:
            await self._run_job(delivery)
        finally:
            keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keepalive

    async def _keep_extending(self, delivery: Delivery) -> None:
        interval = max(0.05, self._queue.visibility_timeout_seconds / 3)
        while True:
            await asyncio.sleep(interval)
            try:
                await self._queue.extend(delivery)
            except BackendUnavailableError as exc:  # tried again at the next interval
                logger.warning("could not extend %s: %s", delivery.job.execution_id, exc)

    async def _receive(self) -> Delivery | None:
        try:
            return await self._queue.receive(self._receive_timeout)
        except BackendUnavailableError as exc:
            logger.warning("execution queue unavailable, retrying: %s", exc)
            await asyncio.sleep(self._receive_timeout)
            return None
