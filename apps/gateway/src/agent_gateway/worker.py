"""Runs background executions: jobs from the ExecutionQueue, or detached in-process tasks.

The HTTP API stores a background execution as ``queued`` and enqueues a job naming it; the
record holds everything needed to run it. Delivery is at-least-once, so the worker runs only
records that are still ``queued`` and acknowledges every other delivery as done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import (
    ExecutionOptions,
    ExecutionRecord,
    ExecutionStatus,
    StopReason,
)
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.errors import (
    AgentDisabledError,
    BackendUnavailableError,
    ConfigError,
    ConflictError,
    ExecutionCancelledError,
    InputValidationError,
    NotFoundError,
)
from agent_gateway_core.ports.execution_queue import Delivery, ExecutionQueue
from agent_gateway_core.ports.persistence.executions import ExecutionUpdate

logger = logging.getLogger("agent_gateway.worker")

# Raised before the engine stores anything: the job can never run, so retrying is pointless.
_CANNOT_RUN = (NotFoundError, AgentDisabledError, InputValidationError, ConfigError)


def options_payload(options: ExecutionOptions) -> dict[str, Any]:
    """Per-call options as a job payload (plain JSON); see :func:`request_from_record`."""
    return {"options": options.model_dump(mode="json", exclude_none=True)}


def request_from_record(record: ExecutionRecord, payload: dict[str, Any]) -> ExecutionRequest:
    """The request of a stored ``queued`` execution, to be run under the record's id."""
    return ExecutionRequest(
        agent_id=record.agent_id,
        message=record.message,
        input=dict(record.input),
        options=ExecutionOptions(**payload.get("options", {})),
        user_id=record.user_id,
        session_id=record.session_id,
        execution_id=record.id,
        kind=record.kind,
        parent_execution_id=record.parent_execution_id,
        schedule_id=record.schedule_id,
        idempotency_key=record.idempotency_key,
        record_created=True,
    )


async def end_queued(
    services: GatewayServices,
    execution_id: str,
    status: ExecutionStatus,
    error: str,
    error_code: str,
) -> bool:
    """Move a ``queued`` execution straight to a terminal status (cancelled, or failed because
    it cannot run). ``False`` when it is no longer queued: whoever moved it decides."""
    now = services.clock.now()
    stop_reason = StopReason.CANCELLED if status is ExecutionStatus.CANCELLED else StopReason.ERROR
    terminal = EventType.CANCELLED if status is ExecutionStatus.CANCELLED else EventType.FAILED
    event = NewEvent(
        type=terminal,
        at=now,
        data={"status": status.value, "error": error, "error_code": error_code},
    )
    try:
        await services.persistence.executions.transition(
            execution_id,
            ExecutionUpdate(status=status, at=now, stop_reason=stop_reason, error=error),
            [event],
        )
    except ConflictError:
        return False
    return True


class ExecutionWorker:
    """Consumes the gateway's queue and runs up to ``concurrency`` executions at a time.

    A job whose cancellation was requested before it started is recorded as cancelled; one
    requested while it runs (from any process sharing the queue) reaches the running
    execution within ``cancel_poll_seconds``. A job that fails unexpectedly is retried
    through the queue, and recorded as failed once the queue gives up on it.
    """

    def __init__(
        self,
        services: GatewayServices,
        *,
        concurrency: int = 8,
        receive_timeout_seconds: float = 1.0,
        cancel_poll_seconds: float = 0.5,
    ) -> None:
        if services.queue is None:
            raise ConfigError("an ExecutionWorker needs a queue")
        self._services = services
        self._queue: ExecutionQueue = services.queue
        self._slots = asyncio.Semaphore(concurrency)
        self._receive_timeout = receive_timeout_seconds
        self._cancel_poll = cancel_poll_seconds

    def start(self) -> asyncio.Task[None]:
        """Run in a background task that the gateway's shutdown cancels."""
        task = asyncio.create_task(self.run(), name="execution-worker")
        _track(self._services, task)
        return task

    async def run(self) -> None:
        """Receive and run jobs until cancelled; cancelling also cancels the jobs running."""
        running: set[asyncio.Task[None]] = set()
        try:
            while True:
                await self._slots.acquire()
                delivery = await self._receive()
                if delivery is None:
                    self._slots.release()
                    continue
                task = asyncio.create_task(self._handle(delivery))
                running.add(task)
                task.add_done_callback(running.discard)
                task.add_done_callback(lambda _: self._slots.release())
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _receive(self) -> Delivery | None:
        try:
            return await self._queue.receive(self._receive_timeout)
        except BackendUnavailableError as exc:
            logger.warning("execution queue unavailable, retrying: %s", exc)
            await asyncio.sleep(self._receive_timeout)
            return None

    async def _handle(self, delivery: Delivery) -> None:
        execution_id = delivery.job.execution_id
        try:
            await self.process(delivery)
        except Exception as exc:
            logger.exception("background execution %s failed unexpectedly", execution_id)
            try:
                retried = await self._queue.retry(delivery, f"{type(exc).__name__}: {exc}")
            except BackendUnavailableError:
                return  # unacked: the queue delivers it again after its visibility timeout
            if not retried:
                await end_queued(
                    self._services,
                    execution_id,
                    ExecutionStatus.FAILED,
                    f"gave up after {delivery.attempt} attempt(s): {exc}",
                    "internal_error",
                )

    async def process(self, delivery: Delivery) -> None:
        """Run one delivered job (if its execution is still queued), then acknowledge it."""
        execution_id = delivery.job.execution_id
        record = await self._services.persistence.executions.get(execution_id)
        if record is None or record.status is not ExecutionStatus.QUEUED:
            logger.info("job for execution %s skipped: not queued (redelivery)", execution_id)
        elif await self._queue.is_cancel_requested(execution_id):
            error = ExecutionCancelledError("execution was cancelled before it started")
            await end_queued(
                self._services, execution_id, ExecutionStatus.CANCELLED, str(error), error.code
            )
        else:
            await self._run(record, delivery.job.payload)
        await self._queue.ack(delivery)

    async def _run(self, record: ExecutionRecord, payload: dict[str, Any]) -> None:
        request = request_from_record(record, payload)
        try:
            async with self._cancel_watch(record.id):
                await self._services.runtime.execute(request)
        except _CANNOT_RUN as exc:
            await end_queued(self._services, record.id, ExecutionStatus.FAILED, str(exc), exc.code)
        except ConflictError:
            pass  # cancelled between our read and the engine's start: already terminal

    @contextlib.asynccontextmanager
    async def _cancel_watch(self, execution_id: str) -> AsyncIterator[None]:
        """Forward a cancellation requested through the queue to the running execution."""

        async def watch() -> None:
            # Polled: the request may come from another process, through the queue's backend.
            while True:
                if await self._queue.is_cancel_requested(execution_id):
                    self._services.runtime.cancel_execution(execution_id)
                    return
                await asyncio.sleep(self._cancel_poll)

        watcher = asyncio.create_task(watch())
        try:
            yield
        finally:
            watcher.cancel()
            await asyncio.wait({watcher})
            if not watcher.cancelled() and watcher.exception() is not None:
                logger.warning(
                    "stopped watching %s for cancellation: %s", execution_id, watcher.exception()
                )


def run_detached(services: GatewayServices, request: ExecutionRequest) -> None:
    """Run a stored ``queued`` execution in a task of this process (a gateway without a
    queue); the gateway's shutdown cancels it."""

    async def run() -> None:
        try:
            await services.runtime.execute(request)
        except _CANNOT_RUN as exc:
            await end_queued(
                services, request.execution_id, ExecutionStatus.FAILED, str(exc), exc.code
            )
        except ConflictError:
            pass  # cancelled while queued: already terminal
        except Exception:
            logger.exception("background execution %s failed", request.execution_id)

    _track(services, asyncio.create_task(run(), name=f"execution-{request.execution_id}"))


def _track(services: GatewayServices, task: asyncio.Task[None]) -> None:
    services.background.add(task)
    task.add_done_callback(services.background.discard)
