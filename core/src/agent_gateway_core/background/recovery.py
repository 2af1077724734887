"""Recovering what dead gateway instances left: end or hand back each orphaned execution.

An execution's owner is the instance answerable for it (``ExecutionRecord.owner``); it is an
orphan once that owner's lease has run out (see the InstanceStore port). Nothing else would
ever finish it, so a live instance does:

- an inline run (``running``, no job payload: its caller waited on the process that died)
  ends ``failed`` with :class:`~agent_gateway_core.errors.GatewayStoppedError`, keeping the
  usage and text its event log recorded so far;
- a background one (``queued``, or ``running`` with a job payload) is handed back: taken on
  by this instance as ``queued`` again, then enqueued or run here (``hand_back``). A run cut
  short starts again from the beginning: background executions are at least once.

Every change is a take-over, conditional on the record still being the dead owner's in the
status seen, so two instances never recover the same execution and a live owner's executions
are never touched. Each recovered execution gets an event saying why.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from agent_gateway_core.domain.events import EventType, ExecutionEvent, NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus, StopReason
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.errors import (
    ConflictError,
    ExecutionCancelledError,
    GatewayStoppedError,
)
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.executions import ExecutionStore
from agent_gateway_core.ports.persistence.instances import InstanceStore, Takeover

logger = logging.getLogger(__name__)

GATEWAY_STOPPED = "gateway stopped during the run"
HANDED_BACK = "handed back: the gateway instance answerable for it stopped"

HandBack = Callable[[ExecutionRecord], Awaitable[None]]

_TERMINAL_EVENTS = {
    ExecutionStatus.FAILED: EventType.FAILED,
    ExecutionStatus.CANCELLED: EventType.CANCELLED,
}


@dataclass(frozen=True, slots=True)
class RecoveryReport:
    """What recovery did in this process since it started."""

    sweeps: int = 0
    found: int = 0  # orphans seen (including those another instance recovered first)
    failed: int = 0  # inline runs ended as failed
    handed_back: int = 0  # queued or background executions handed back to run again
    last_sweep_at: datetime | None = None
    last_error: str | None = None  # of the last sweep that could not finish; None once one does


class OrphanRecovery:
    """Finds the orphans of dead instances and ends or hands back each (see the module).

    ``hand_back(record)`` runs a record this instance has just taken on as ``queued`` again
    (through the queue, or in this process). :meth:`sweep` is called at startup and then
    periodically by :class:`~agent_gateway_core.background.lease.InstanceLease`.
    """

    def __init__(
        self,
        *,
        instance_id: str,
        instances: InstanceStore,
        executions: ExecutionStore,
        clock: Clock,
        hand_back: HandBack,
        batch_size: int = 100,
        concurrency: int = 8,
    ) -> None:
        self._instance_id = instance_id
        self._instances = instances
        self._executions = executions
        self._clock = clock
        self._hand_back = hand_back
        self._batch_size = batch_size
        # A few at once: a sweep after a crash may find hundreds, each a few round trips.
        self._concurrency = asyncio.Semaphore(concurrency)
        self.report = RecoveryReport()

    async def sweep(self) -> int:
        """Recover every orphan there is now; returns how many this call recovered. A store
        error (BackendUnavailableError) stops the sweep and is raised; the next one goes on."""
        seen: set[str] = set()
        recovered = 0
        try:
            while True:
                batch = await self._instances.orphans(self._clock.now(), self._batch_size)
                fresh = [record for record in batch if record.id not in seen]
                seen.update(record.id for record in fresh)
                outcomes = await asyncio.gather(
                    *(self._recover_bounded(record) for record in fresh), return_exceptions=True
                )
                for outcome in outcomes:
                    if isinstance(outcome, BaseException):
                        raise outcome
                    recovered += outcome
                if len(batch) < self._batch_size or not fresh:
                    break
        except Exception as exc:
            self.report = replace(self.report, last_error=f"{type(exc).__name__}: {exc}")
            raise
        finally:
            self.report = replace(
                self.report,
                sweeps=self.report.sweeps + 1,
                found=self.report.found + len(seen),
                last_sweep_at=self._clock.now(),
            )
        self.report = replace(self.report, last_error=None)
        return recovered

    async def cancel(self, record: ExecutionRecord) -> bool:
        """End ``record`` as cancelled if it is ``running`` under a dead owner (no process
        would ever see the request); ``False`` when it has no owner, a live one, or is this
        instance's own."""
        owner = record.owner
        if record.status is not ExecutionStatus.RUNNING or owner in (None, self._instance_id):
            return False
        if owner in await self._instances.live(self._clock.now()):
            return False
        error = ExecutionCancelledError(
            "execution was cancelled: the gateway instance running it had stopped", record.id
        )
        return await end_orphan(
            self._instances,
            self._executions,
            self._clock,
            record,
            ExecutionStatus.CANCELLED,
            str(error),
            error.code,
        )

    async def _recover_bounded(self, record: ExecutionRecord) -> int:
        async with self._concurrency:
            return await self._recover(record)

    async def _recover(self, record: ExecutionRecord) -> int:
        if record.status is ExecutionStatus.RUNNING and record.job_payload is None:
            error = GatewayStoppedError(GATEWAY_STOPPED, record.id)
            ended = await end_orphan(
                self._instances,
                self._executions,
                self._clock,
                record,
                ExecutionStatus.FAILED,
                str(error),
                error.code,
            )
            if ended:
                logger.warning("execution %s: %s (owner %s)", record.id, error, record.owner)
                self.report = replace(self.report, failed=self.report.failed + 1)
            return int(ended)
        taken = await self._take_back(record)
        if taken is None:
            return 0
        logger.warning(
            "execution %s handed back to run again: its owner %s stopped", record.id, record.owner
        )
        self.report = replace(self.report, handed_back=self.report.handed_back + 1)
        await self._hand_back(taken)
        return 1

    async def _take_back(self, record: ExecutionRecord) -> ExecutionRecord | None:
        """Take ``record`` on as ``queued``, owned by this instance; ``None`` if another
        instance got there first (or its owner came back)."""
        assert record.owner is not None  # an orphan has an owner
        now = self._clock.now()
        event = NewEvent(
            type=EventType.QUEUED,
            at=now,
            data={"requeued": True, "reason": HANDED_BACK, "previous_owner": record.owner},
        )
        takeover = Takeover(
            owner=record.owner,
            from_status=record.status,
            status=ExecutionStatus.QUEUED,
            at=now,
            new_owner=self._instance_id,
        )
        try:
            return await self._instances.take_over(record.id, takeover, [event])
        except ConflictError:
            return None


async def end_orphan(
    instances: InstanceStore,
    executions: ExecutionStore,
    clock: Clock,
    record: ExecutionRecord,
    status: ExecutionStatus,
    error: str,
    error_code: str,
) -> bool:
    """End ``record`` (``running`` or ``queued`` under a dead owner) as ``status`` (failed or
    cancelled), with the usage and text its event log holds so far and a terminal event, in
    one take-over. ``False`` when its owner is live or it is no longer the dead owner's in that
    status (another instance, or its owner, moved it on)."""
    assert record.owner is not None  # an orphan has an owner
    usage, raw_text = _so_far(await executions.list_events(record.id))
    now = clock.now()
    stop_reason = StopReason.CANCELLED if status is ExecutionStatus.CANCELLED else StopReason.ERROR
    event = NewEvent(
        type=_TERMINAL_EVENTS[status],
        at=now,
        data={
            "status": status.value,
            "stop_reason": stop_reason.value,
            "error": error,
            "error_code": error_code,
            "usage": usage.model_dump(mode="json"),
            "previous_owner": record.owner,
        },
    )
    takeover = Takeover(
        owner=record.owner,
        from_status=record.status,
        status=status,
        at=now,
        error=error,
        stop_reason=stop_reason,
        usage=usage,
        raw_text=raw_text,
    )
    try:
        await instances.take_over(record.id, takeover, [event])
    except ConflictError:
        return False
    return True


def _so_far(events: Sequence[ExecutionEvent]) -> tuple[Usage, str | None]:
    """The usage and the latest model text a run's event log recorded before it stopped (the
    events of its last round may not have been written)."""
    usage, raw_text = Usage(), None
    for event in events:
        if event.type is EventType.MODEL_RESPONSE:
            usage += Usage.model_validate(event.data.get("usage") or {})
            raw_text = event.data.get("content") or raw_text
        elif event.type is EventType.TOOL_CALL:
            usage += Usage(tool_calls=1)
        elif event.type is EventType.QUEUED and event.data.get("requeued"):
            usage, raw_text = Usage(), None  # an earlier run handed back: not this one's
    return usage, raw_text
