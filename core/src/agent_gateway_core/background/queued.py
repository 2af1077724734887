"""Ending an execution that never started: cancelled while queued, or unable to run."""

from __future__ import annotations

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionStatus, StopReason
from agent_gateway_core.engine.event_log import EventLog
from agent_gateway_core.engine.final_writes import FinalWrite
from agent_gateway_core.errors import ConflictError
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.executions import ExecutionStore, ExecutionUpdate


async def end_queued(
    executions: ExecutionStore,
    clock: Clock,
    execution_id: str,
    status: ExecutionStatus,
    error: str,
    error_code: str,
) -> bool:
    """Move a ``queued`` execution straight to ``status`` (cancelled or failed), with its
    terminal event, in one write. ``False`` when it is no longer queued: it started (and ends
    as its run decides) or already ended."""
    write = queued_ending(executions, clock, execution_id, status, error, error_code)
    try:
        await executions.transition(execution_id, write.update, await write.events.take())
    except ConflictError:
        return False
    return True


def queued_ending(
    executions: ExecutionStore,
    clock: Clock,
    execution_id: str,
    status: ExecutionStatus,
    error: str,
    error_code: str,
) -> FinalWrite:
    """The write :func:`end_queued` makes, for a caller that hands it to FinalWrites."""
    now = clock.now()
    cancelled = status is ExecutionStatus.CANCELLED
    event = NewEvent(
        type=EventType.CANCELLED if cancelled else EventType.FAILED,
        at=now,
        data={"status": status.value, "error": error, "error_code": error_code},
    )
    update = ExecutionUpdate(
        status=status,
        at=now,
        stop_reason=StopReason.CANCELLED if cancelled else StopReason.ERROR,
        error=error,
        only_from=ExecutionStatus.QUEUED,
    )
    events = EventLog(executions, execution_id, clock, events=[event])
    return FinalWrite(execution_id=execution_id, update=update, events=events)
