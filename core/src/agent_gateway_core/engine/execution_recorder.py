"""Persists an execution's state changes and its event log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionResult, ExecutionStatus
from agent_gateway_core.engine.event_log import EventLog
from agent_gateway_core.engine.final_writes import FinalWrite, FinalWrites
from agent_gateway_core.engine.request import ExecutionRequest, job_payload
from agent_gateway_core.engine.structured_output import to_record
from agent_gateway_core.errors import InvalidTransitionError
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.executions import ExecutionStore, ExecutionUpdate

logger = logging.getLogger(__name__)

HANDED_BACK = "handed back: its worker stopped before the run ended"

_TERMINAL_EVENTS = {
    ExecutionStatus.SUCCEEDED: EventType.COMPLETED,
    ExecutionStatus.FAILED: EventType.FAILED,
    ExecutionStatus.CANCELLED: EventType.CANCELLED,
    ExecutionStatus.TIMED_OUT: EventType.TIMED_OUT,
}


def queued_record(
    request: ExecutionRequest, now: datetime, owner: str | None = None
) -> ExecutionRecord:
    """The record of a request that has been accepted and not started."""
    return ExecutionRecord(
        id=request.execution_id,
        agent_id=request.agent_id,
        status=ExecutionStatus.QUEUED,
        kind=request.kind,
        message=request.message,
        input=request.input,
        user_id=request.user_id,
        session_id=request.session_id,
        parent_execution_id=request.parent_execution_id,
        schedule_id=request.schedule_id,
        idempotency_key=request.idempotency_key,
        tracking=request.tracking,
        created_at=now,
        owner=owner,
    )


class ExecutionRecorder:
    """Two writes per inline execution: created ``running``, then the final status with the
    events not yet written (three for a queued one: ``queued``, ``running``, final).

    Events are buffered in an :class:`EventLog` and written in batches (one per round of
    tool calls); the last batch, ending with the terminal event, goes with the final
    transition, atomically. A final transition the store cannot take while it is unavailable
    goes to ``final_writes``, which retries it until it can.

    ``owner()`` names the gateway instance recorded as the execution's owner, in the writes
    that create it and move it to ``running`` (no write of its own).
    """

    def __init__(
        self,
        store: ExecutionStore,
        clock: Clock,
        final_writes: FinalWrites,
        *,
        owner: Callable[[], str | None] = lambda: None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._final_writes = final_writes
        self._owner = owner

    async def accept(self, request: ExecutionRequest) -> None:
        """Store the execution as ``queued`` with its first event, for a background run."""
        now = self._clock.now()
        record = queued_record(request, now, self._owner())
        # Kept with the record, so another process can run it again (see recovery); stored
        # with its first event in one write.
        await self._store.create(
            record.model_copy(update={"job_payload": job_payload(request)}),
            [NewEvent(type=EventType.QUEUED, at=now)],
        )

    async def start(self, request: ExecutionRequest) -> EventLog:
        """Mark the execution running, one write either way; returns its event log.

        An inline execution is created directly as ``running`` (it was never waiting anywhere,
        and a second write would only cost time); one a queue accepted earlier moves on from
        ``queued``.
        """
        execution_id = request.execution_id
        if not request.record_created:
            now = self._clock.now()
            record = queued_record(request, now, self._owner())
            await self._store.create(
                record.model_copy(update={"status": ExecutionStatus.RUNNING, "started_at": now})
            )
            return EventLog(self._store, execution_id, self._clock, last_seq=0)
        await self._store.transition(
            execution_id,
            ExecutionUpdate(
                status=ExecutionStatus.RUNNING, at=self._clock.now(), owner=self._owner()
            ),
        )
        return EventLog(self._store, execution_id, self._clock)

    async def hand_back(self, execution_id: str, events: EventLog) -> None:
        """Move a ``running`` execution of this instance back to ``queued``, to run again on
        another worker, with the events not yet written and an ``execution.queued`` event
        (``requeued``, ``reason``), in one write; ``started_at`` stays (see the tool-call
        journal). Nothing changes when it is no longer this instance's running execution (it
        ended, or was taken over, meanwhile). BackendUnavailableError when the store is down:
        it then stays ``running``, and recovery hands it back once this instance's lease has
        run out."""
        owner = self._owner()
        record = await self._store.get(execution_id)
        if record is None or (owner is not None and record.owner != owner):
            logger.warning("execution %s is no longer this instance's to hand back", execution_id)
            return
        events.add(EventType.QUEUED, requeued=True, reason=HANDED_BACK)
        update = ExecutionUpdate(
            status=ExecutionStatus.QUEUED, at=self._clock.now(), only_from=ExecutionStatus.RUNNING
        )
        try:
            await self._store.transition(execution_id, update, await events.take())
        except InvalidTransitionError:
            logger.warning("execution %s ended before it could be handed back", execution_id)

    async def end(
        self,
        execution_id: str,
        result: ExecutionResult,
        validation_errors: list[str] | None,
        events: EventLog,
    ) -> None:
        """Store the final status with result and usage, and the remaining events ending with
        the terminal one, in one write. When the store is unavailable the write is retried in
        the background and FinalWritePendingError raised."""
        events.add(
            _TERMINAL_EVENTS[result.status],
            status=result.status.value,
            stop_reason=result.stop_reason.value,
            error=result.error,
            error_code=result.error_code,
            validation_errors=validation_errors,
            usage=result.usage.model_dump(mode="json"),
            duration_ms=result.duration_ms,
        )
        update = ExecutionUpdate(
            status=result.status,
            at=self._clock.now(),
            result=to_record(result.output),
            raw_text=result.raw_text,
            stop_reason=result.stop_reason,
            error=result.error,
            usage=result.usage,
            only_from=ExecutionStatus.RUNNING,
        )
        await self._final_writes.write(
            FinalWrite(
                execution_id=execution_id,
                update=update,
                events=events,
                owner=self._owner(),
                result=result,
            )
        )
