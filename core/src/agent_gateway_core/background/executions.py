"""The background-execution use case: submit, cancel, and run what a queue delivers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from agent_gateway_core.background.jobs import job_for, request_from_record
from agent_gateway_core.background.queued import end_queued, queued_ending
from agent_gateway_core.background.recovery import OrphanRecovery
from agent_gateway_core.background.worker import QueueWorker
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.engine.cancellation import CancellationRegistry
from agent_gateway_core.engine.execution_engine import ExecutionEngine
from agent_gateway_core.engine.final_writes import FinalWrites
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.errors import (
    AgentDisabledError,
    AgentGatewayError,
    BackendUnavailableError,
    ConfigError,
    ConflictError,
    ExecutionCancelledError,
    ExecutionHandedBackError,
    FinalWritePendingError,
    InputValidationError,
    NotFoundError,
    SetupRequiredError,
)
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.execution_queue import Delivery, ExecutionQueue
from agent_gateway_core.ports.persistence.executions import ExecutionStore

logger = logging.getLogger(__name__)

# How long the runs still going after a drain's timeout get to stop and be handed back (they
# stop at once: the call in flight is interrupted); whatever is left then ends cancelled.
HAND_BACK_SECONDS = 10.0

# Raised before the engine stores anything: the job can never run, so retrying is pointless.
# (A personal agent's configuration deleted while its job waited is one such case.)
_CANNOT_RUN = (
    NotFoundError,
    AgentDisabledError,
    InputValidationError,
    ConfigError,
    SetupRequiredError,
)


class BackgroundExecutions:
    """Executions that are accepted now and run later.

    - :meth:`submit` checks the request, stores it as ``queued`` (so nothing accepted is
      lost), then enqueues a job, or, with no queue, runs it in a task of this process.
    - :meth:`cancel` signals the execution where it runs in this process (or as soon as it
      starts, when this process has taken it on), through the queue to whichever process runs
      it, and ends a still-queued record at once; one running under a gateway instance that
      stopped (``orphans``) is ended at once too.
    - :meth:`resume` runs again one that ``orphans`` handed back from a stopped instance.
    - :meth:`run_job` is what a worker calls with each delivery: it runs the execution if it
      is still ``queued`` (delivery is at-least-once, so a redelivered job is skipped), then
      acknowledges the job; an unexpected failure is retried through the queue and recorded
      as failed once the queue gives up. A first run (the job's first delivery, a record that
      never started) does not read the event log for earlier tool results to replay.
    - :meth:`drain_worker` stops the worker gracefully: what still runs after its timeout is
      handed back, ``queued`` again with its job released to the queue, not cancelled.

    - :meth:`aclose` stops the worker and the executions running in tasks of this process;
      one that had not started yet is recorded as cancelled (nothing else would ever run it).

    An end that nothing else would ever record (a queue that gave up, one that refused the
    job, a run whose end the store could not take) goes through ``final_writes``, retried
    while the store is unavailable; a job whose run ended is acknowledged even when its end
    is still waiting there.

    ``engine`` returns the current engine, so a reloaded workspace serves the next job.
    """

    def __init__(
        self,
        *,
        engine: Callable[[], ExecutionEngine],
        executions: ExecutionStore,
        queue: ExecutionQueue | None,
        clock: Clock,
        cancellations: CancellationRegistry,
        cancel_poll_seconds: float = 0.5,
        orphans: OrphanRecovery | None = None,
        final_writes: FinalWrites | None = None,
    ) -> None:
        self._engine = engine
        self._executions = executions
        self._final_writes = final_writes or FinalWrites(executions, clock)
        self._queue = queue
        self._clock = clock
        self._cancellations = cancellations
        self._cancel_poll = cancel_poll_seconds
        self._orphans = orphans
        self._tasks: set[asyncio.Task[None]] = set()
        self._worker: asyncio.Task[None] | None = None
        self._queue_worker: QueueWorker | None = None
        # Executions this process has taken on to run, until their run ends; the detached
        # ones (no queue) are also kept apart, since nothing else would run them.
        self._here: set[str] = set()
        self._detached: set[str] = set()
        self._handing_back = False  # a drain's timeout passed: runs go back to the queue

    @property
    def queue(self) -> ExecutionQueue | None:
        return self._queue

    # ---------------------------------------------------------------- submit and cancel

    async def submit(self, request: ExecutionRequest) -> str:
        """Accept ``request`` to run in the background and return its execution id.

        Raises what a run would raise before storing anything (unknown or disabled agent,
        invalid input, ...); once stored, a queue that cannot take the job ends the execution
        as failed and raises BackendUnavailableError.
        """
        if self._queue is None:
            request = await self._engine().accept(request)
            execution_id = request.execution_id
            self._here.add(execution_id)
            self._detached.add(execution_id)
            self._spawn(self._run_detached(request), name=f"execution-{execution_id}")
            return execution_id
        job = job_for(
            request, self._clock.now()
        )  # before storing: a payload that fails, fails first
        request = await self._engine().accept(request)
        try:
            await self._queue.enqueue(job)
        except BackendUnavailableError as exc:
            await self._end_queued_durably(
                request.execution_id, ExecutionStatus.FAILED, str(exc), exc.code
            )
            raise
        return request.execution_id

    async def cancel(self, execution_id: str) -> bool:
        """Request cancellation; ``True`` if it was requested or recorded.

        ``False`` when the execution is unknown or already finished, or runs in another live
        process that nothing can reach (there is no queue).
        """
        if self._cancellations.cancel(execution_id):
            return True
        record = await self._executions.get(execution_id)
        if record is None or record.status.is_terminal:
            return False
        if self._orphans is not None and await self._orphans.cancel(record):
            return True  # its owner is dead: nothing would ever reach it
        requested = False
        if execution_id in self._here:
            # Taken on by this process, not started yet: the signal lands as it starts.
            self._cancellations.cancel_when_started(execution_id)
            requested = True
        if self._queue is not None:
            await self._queue.request_cancel(execution_id)
            requested = True
            if record.status is ExecutionStatus.RUNNING:
                # A worker that is stopping may have handed it back to queued since it was
                # read; its job, released, is then dropped for the request: end it here.
                record = await self._executions.get(execution_id) or record
        if record.status is ExecutionStatus.QUEUED:
            # Nothing runs it yet: record the cancellation now rather than when a worker picks
            # the job up (a queue drops a cancelled job without telling anyone).
            error = ExecutionCancelledError("execution was cancelled before it started")
            ended = await self._end_queued(
                execution_id, ExecutionStatus.CANCELLED, str(error), error.code
            )
            requested = requested or ended
        return requested

    async def resume(self, record: ExecutionRecord) -> None:
        """Run again a ``queued`` execution this process has just taken on from a dead
        instance: through the queue, or with none in a task of this process. One that cannot
        be enqueued, or whose stored job no longer reads, is recorded as failed."""
        execution_id = record.id
        try:
            request = request_from_record(record, record.job_payload or {})
        except ValueError as exc:  # a payload this version cannot read
            await self._end_queued_durably(
                execution_id, ExecutionStatus.FAILED, f"cannot run it again: {exc}", "config_error"
            )
            return
        if self._queue is None:
            self._here.add(execution_id)
            self._detached.add(execution_id)
            self._spawn(self._run_detached(request), name=f"execution-{execution_id}")
            return
        try:
            await self._queue.enqueue(job_for(request, self._clock.now()))
        except BackendUnavailableError as exc:
            await self._end_queued_durably(execution_id, ExecutionStatus.FAILED, str(exc), exc.code)

    # ---------------------------------------------------------------- workers

    def start_worker(self, *, concurrency: int = 8, receive_timeout_seconds: float = 1.0) -> None:
        """Consume the queue in a task of this process until :meth:`stop_worker` or
        :meth:`aclose`."""
        if self._queue is None:
            raise ConfigError("a worker needs a queue: this runtime has none")
        if self._worker is not None and not self._worker.done():
            raise ConfigError("this runtime's worker is already running")
        worker = QueueWorker(
            self._queue,
            self.run_job,
            concurrency=concurrency,
            receive_timeout_seconds=receive_timeout_seconds,
        )
        self._worker = self._spawn(worker.run(), name="execution-worker")
        self._queue_worker = worker

    async def drain_worker(self, timeout_seconds: float) -> bool:
        """Take no new job, and let the running ones finish for up to ``timeout_seconds``;
        then hand back those still running, and stop as :meth:`stop_worker` does. ``True``
        if every running job finished in time.

        A run handed back stops without an end: the call in flight is interrupted, the
        execution goes back to ``queued`` with the events it stored (so the re-run replays
        the tool calls it completed), and its job goes back to the queue on the same attempt
        (``ExecutionQueue.release``), for another worker to take at once. A cancel requested
        meanwhile still ends it ``cancelled``. A run that has not stopped within
        ``HAND_BACK_SECONDS`` more is cancelled; one whose hand-back the store could not take
        stays ``running``, its job unacknowledged, until recovery hands it back once this
        instance's lease has run out."""
        worker, consumer = self._worker, self._queue_worker
        if worker is None or consumer is None:
            return True
        consumer.stop_receiving()
        done, _ = await asyncio.wait({worker}, timeout=max(0.0, timeout_seconds))
        try:
            if not done:
                self._handing_back = True
                for execution_id in self._here - self._detached:
                    self._cancellations.hand_back_when_started(execution_id)
                await asyncio.wait({worker}, timeout=HAND_BACK_SECONDS)
            await self.stop_worker()
        finally:
            self._handing_back = False
        return bool(done)

    async def stop_worker(self) -> None:
        """Stop consuming the queue. Executions it was running end as cancelled (their jobs,
        unacknowledged, come back and are skipped). Harmless when no worker runs."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)

    async def run_job(self, delivery: Delivery) -> None:
        """Run one delivered job to its end (see the class docstring); never raises for the
        job's own failures."""
        queue = self._require_queue()
        execution_id = delivery.job.execution_id
        try:
            await self._process(queue, delivery)
        except Exception as exc:
            if self._handing_back:
                # Not a failure of the job: left unacknowledged, it comes back after its
                # visibility timeout (and recovery hands back a record left running).
                logger.warning("background execution %s not handed back: %s", execution_id, exc)
                return
            logger.exception("background execution %s failed unexpectedly", execution_id)
            try:
                retried = await queue.retry(delivery, f"{type(exc).__name__}: {exc}")
            except BackendUnavailableError:
                return  # unacked: the queue delivers it again after its visibility timeout
            if not retried:
                await self._end_queued_durably(
                    execution_id,
                    ExecutionStatus.FAILED,
                    f"gave up after {delivery.attempt} attempt(s): {exc}",
                    "internal_error",
                )

    async def aclose(self) -> None:
        """Cancel the worker and the detached executions of this process, and wait for them;
        a detached execution that had not started is recorded as cancelled."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        # A task cancelled before its first step never ran its own clean-up.
        for execution_id in sorted(self._detached):
            self._detached.discard(execution_id)
            self._ended_here(execution_id)
            try:
                await self._end_queued_durably(
                    execution_id,
                    ExecutionStatus.CANCELLED,
                    "the runtime was closed before the execution started",
                    ExecutionCancelledError.code,
                )
            except AgentGatewayError as exc:
                logger.warning("could not record %s as cancelled: %s", execution_id, exc)

    # ---------------------------------------------------------------- internals

    async def _process(self, queue: ExecutionQueue, delivery: Delivery) -> None:
        execution_id = delivery.job.execution_id
        record = await self._executions.get(execution_id)
        if record is None or record.status is not ExecutionStatus.QUEUED:
            logger.info("job for execution %s skipped: not queued (redelivery)", execution_id)
        elif await queue.is_cancel_requested(execution_id):
            error = ExecutionCancelledError("execution was cancelled before it started")
            await self._end_queued(execution_id, ExecutionStatus.CANCELLED, str(error), error.code)
        elif self._handing_back:
            await queue.release(delivery)  # taken as this worker stopped: another one runs it
            return
        else:
            # A record that never started, on its job's first delivery, has no earlier run
            # whose tool calls to replay (one handed back keeps its started_at).
            never_started = delivery.attempt == 1 and record.started_at is None
            try:
                await self._run_delivered(queue, record, delivery.job.payload, never_started)
            except ExecutionHandedBackError:
                await self._handed_back(queue, delivery)
                return
        await queue.ack(delivery)

    async def _run_delivered(
        self,
        queue: ExecutionQueue,
        record: ExecutionRecord,
        payload: dict[str, Any],
        never_started: bool,
    ) -> None:
        self._here.add(record.id)
        try:
            async with self._cancel_watch(queue, record.id):
                request = request_from_record(record, payload, never_started=never_started)
                await self._run_stored(request)
        finally:
            self._ended_here(record.id)

    async def _handed_back(self, queue: ExecutionQueue, delivery: Delivery) -> None:
        """Give the job of a run just handed back (its record ``queued`` again) to the queue,
        for another worker; or, when a cancel was requested meanwhile (one that found it still
        running did not end it), end the execution ``cancelled`` and drop the job."""
        execution_id = delivery.job.execution_id
        if await queue.is_cancel_requested(execution_id):
            error = ExecutionCancelledError("execution was cancelled before it ran again")
            await self._end_queued(execution_id, ExecutionStatus.CANCELLED, str(error), error.code)
            await queue.ack(delivery)
            return
        await queue.release(delivery)
        logger.info("execution %s handed back to the queue: its worker is stopping", execution_id)

    async def _run_detached(self, request: ExecutionRequest) -> None:
        cancelled = False
        try:
            await self._run_stored(request)
        except BackendUnavailableError as exc:
            # It could not start (a run that started records its own end): nothing else
            # would ever run it, so it fails (or, if it did start after all, ends as it ran).
            logger.warning("background execution %s could not start: %s", request.execution_id, exc)
            await self._end_queued_durably(
                request.execution_id,
                ExecutionStatus.FAILED,
                "the execution could not start: the store was unavailable",
                exc.code,
            )
        except Exception:
            logger.exception("background execution %s failed", request.execution_id)
        except asyncio.CancelledError:
            cancelled = True
            raise
        finally:
            if not cancelled:
                # Else left to aclose, which records it as cancelled if it had not started
                # yet (a run that started recorded its own end).
                self._detached.discard(request.execution_id)
            self._ended_here(request.execution_id)

    def _ended_here(self, execution_id: str) -> None:
        self._here.discard(execution_id)
        self._cancellations.forget(execution_id)

    async def _run_stored(self, request: ExecutionRequest) -> None:
        """Run a stored ``queued`` execution; one that cannot run is recorded as failed."""
        try:
            await self._engine().run(request)
        except FinalWritePendingError:
            pass  # it ran; its end is stored as soon as the store is back
        except _CANNOT_RUN as exc:
            await self._end_queued_durably(
                request.execution_id, ExecutionStatus.FAILED, str(exc), exc.code
            )
        except ConflictError:
            pass  # cancelled while queued: already terminal

    @contextlib.asynccontextmanager
    async def _cancel_watch(self, queue: ExecutionQueue, execution_id: str) -> AsyncIterator[None]:
        """Forward a cancellation requested through the queue to the running execution."""

        async def watch() -> None:
            # Polled: the request may come from another process, through the queue's backend.
            while True:
                if await queue.is_cancel_requested(execution_id):
                    # The engine may not have registered the execution yet: it then lands
                    # as the execution starts.
                    self._cancellations.cancel_when_started(execution_id)
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

    def _end_queued(
        self, execution_id: str, status: ExecutionStatus, error: str, error_code: str
    ) -> Coroutine[Any, Any, bool]:
        return end_queued(self._executions, self._clock, execution_id, status, error, error_code)

    async def _end_queued_durably(
        self, execution_id: str, status: ExecutionStatus, error: str, error_code: str
    ) -> None:
        """:meth:`_end_queued`, retried in the background while the store is unavailable."""
        write = queued_ending(
            self._executions, self._clock, execution_id, status, error, error_code
        )
        # Pending is as good as done here; a conflict means it is no longer queued (it
        # started, or already ended).
        with contextlib.suppress(FinalWritePendingError, ConflictError):
            await self._final_writes.write(write)

    def _require_queue(self) -> ExecutionQueue:
        if self._queue is None:
            raise ConfigError("this runtime has no queue to deliver jobs")
        return self._queue

    def _spawn(self, coro: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task
