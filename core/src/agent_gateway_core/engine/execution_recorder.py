"""Persists an execution's state changes and its event log."""

from __future__ import annotations

from datetime import datetime

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionResult, ExecutionStatus
from agent_gateway_core.engine.event_log import EventLog
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.engine.structured_output import to_record
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.executions import ExecutionStore, ExecutionUpdate

_TERMINAL_EVENTS = {
    ExecutionStatus.SUCCEEDED: EventType.COMPLETED,
    ExecutionStatus.FAILED: EventType.FAILED,
    ExecutionStatus.CANCELLED: EventType.CANCELLED,
    ExecutionStatus.TIMED_OUT: EventType.TIMED_OUT,
}


def queued_record(request: ExecutionRequest, now: datetime) -> ExecutionRecord:
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
        created_at=now,
    )


class ExecutionRecorder:
    """Two writes per inline execution: created ``running``, then the final status with the
    events not yet written (three for a queued one: ``queued``, ``running``, final).

    Events are buffered in an :class:`EventLog` and written in batches (one per round of
    tool calls); the last batch, ending with the terminal event, goes with the final
    transition, atomically.
    """

    def __init__(self, store: ExecutionStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def event_log(self, execution_id: str) -> EventLog:
        return EventLog(self._store, execution_id, self._clock)

    async def accept(self, request: ExecutionRequest) -> None:
        """Store the execution as ``queued`` with its first event, for a background run."""
        now = self._clock.now()
        await self._store.create(queued_record(request, now))
        await self._store.append_events(
            request.execution_id, [NewEvent(type=EventType.QUEUED, at=now)]
        )

    async def start(self, request: ExecutionRequest) -> None:
        """Mark the execution running: one write either way.

        An inline execution is created directly as ``running`` (it was never waiting anywhere,
        and a second write would only cost time); one a queue accepted earlier moves on from
        ``queued``.
        """
        if not request.record_created:
            now = self._clock.now()
            record = queued_record(request, now)
            await self._store.create(
                record.model_copy(update={"status": ExecutionStatus.RUNNING, "started_at": now})
            )
            return
        await self._store.transition(
            request.execution_id,
            ExecutionUpdate(status=ExecutionStatus.RUNNING, at=self._clock.now()),
        )

    async def end(
        self,
        execution_id: str,
        result: ExecutionResult,
        validation_errors: list[str] | None,
        events: EventLog,
    ) -> None:
        """Store the final status with result and usage, and the remaining events ending with
        the terminal one, in one write."""
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
        await self._store.transition(
            execution_id,
            ExecutionUpdate(
                status=result.status,
                at=self._clock.now(),
                result=to_record(result.output),
                raw_text=result.raw_text,
                stop_reason=result.stop_reason,
                error=result.error,
                usage=result.usage,
            ),
            events.take(),
        )
