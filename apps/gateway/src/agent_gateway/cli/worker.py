"""``agents-gateway serve --worker-only``: run queued executions, with no HTTP server.

A worker process composes the gateway exactly as ``serve`` does (same workspace, settings and
adapters) and consumes the shared queue with ``queue.workers`` consumers. SIGTERM or Ctrl-C
drains it: no new job is taken, and the running ones have ``queue.drain_timeout_s`` to finish;
those still running then are handed back (``queued`` again, their jobs back in the queue) for
another worker to run, replaying the tool calls they completed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from agent_gateway.cli.console import fail

logger = logging.getLogger("agent_gateway")

SHARED_QUEUES = ("redis", "rabbitmq")


def run_worker(workspace: Path, *, log_level: str | None) -> None:
    """Check that a worker can run here, then consume until stopped."""
    from agent_gateway.composition.workspace import load_gateway_workspace

    _, settings = asyncio.run(load_gateway_workspace(workspace))
    queue = settings.queue
    if queue.backend not in SHARED_QUEUES:
        fail(
            f"--worker-only needs a shared queue: queue.backend is {queue.backend!r}, and only "
            "redis or rabbitmq reach a separate worker process (set queue: {backend: redis, "
            "redis_url: ...} or rabbitmq in gateway.yaml, or AGENT_GATEWAY_QUEUE__BACKEND)",
            code=2,
        )
    if queue.workers < 1:
        fail("--worker-only with queue.workers: 0 would run nothing; set it to 1 or more", code=2)
    logging.basicConfig(
        level=(log_level or settings.server.log_level).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(_consume(workspace, drain_seconds=float(queue.drain_timeout_s)))


async def _consume(workspace: Path, *, drain_seconds: float) -> None:
    from agent_gateway.composition.llm import RoutingLLMClient
    from agent_gateway.gateway import Gateway

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    gateway = Gateway(workspace=workspace, auth=False, reload=False)
    gateway._fluent.run_scheduler = False  # the API processes fire the cron schedules
    async with gateway:
        services = gateway.services
        assert services is not None  # started
        if isinstance(services.llm, RoutingLLMClient):
            # Before taking jobs: else the first ones wait seconds for litellm's import.
            await services.llm.warm_up()
        settings = services.settings
        logger.info(
            "worker started: %d consumer(s) on the %s queue", settings.queue.workers,
            settings.queue.backend,
        )  # fmt: skip
        await stop.wait()
        logger.info("worker stopping: draining for up to %g s", drain_seconds)
        if not await services.runtime.drain_worker(drain_seconds):
            logger.warning(
                "worker stopped with executions still running after %g s; they were handed "
                "back to the queue, for another worker to run",
                drain_seconds,
            )
