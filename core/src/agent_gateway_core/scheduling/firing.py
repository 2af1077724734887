"""Firing one occurrence of a schedule: claim it, check it is still wanted, submit the run."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from agent_gateway_core.domain.execution import ExecutionKind, ExecutionStatus
from agent_gateway_core.domain.schedule import ScheduleRecord
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.errors import AgentGatewayError, BackendUnavailableError
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.executions import ExecutionStore
from agent_gateway_core.ports.persistence.schedules import ScheduleStore
from agent_gateway_core.ports.schedule_lock import ScheduleLock
from agent_gateway_core.scheduling.config import SchedulerConfig

logger = logging.getLogger("agent_gateway.scheduler")

Submit = Callable[[ExecutionRequest], Awaitable[str]]

_UNFINISHED = (ExecutionStatus.QUEUED, ExecutionStatus.RUNNING)


def occurrence_key(schedule_id: str, fire_at: datetime) -> str:
    """The claim key of one occurrence: the same string on every replica."""
    return f"{schedule_id}@{fire_at.isoformat()}"


class Firing:
    """Runs schedules: a cron occurrence once across replicas, a manual trigger at once.

    A cron occurrence is first claimed through ``claims`` (``None``: no claim, every process
    fires it) with a lease that is never released, only left to expire: whoever claims
    ``{schedule_id}@{fire time}`` first fires it, and no lock is held while the run goes on.
    The claimant then re-reads the record, so a pause, change or delete made on another
    replica a moment ago is honoured, and skips the occurrence while the previous run is
    unfinished when ``max_instances`` is 1. The run is submitted as a background execution
    (through the queue when there is one) that records the schedule's id and instructions.
    """

    def __init__(
        self,
        *,
        store: ScheduleStore,
        executions: ExecutionStore,
        claims: ScheduleLock | None,
        submit: Submit,
        clock: Clock,
        config: SchedulerConfig,
    ) -> None:
        self._store = store
        self._executions = executions
        self._claims = claims
        self._submit = submit
        self._clock = clock
        self._config = config
        # Occurrences claimed here whose firing failed on the way (the store was down): the
        # retry goes on without claiming again, which would find the claim taken (by us).
        self._claimed: dict[str, datetime] = {}

    async def fire(self, scheduled: ScheduleRecord, fire_at: datetime) -> str | None:
        """Fire the occurrence at ``fire_at`` unless another process claimed it or it is no
        longer wanted; returns the execution id, or ``None``. BackendUnavailableError when
        the claim cannot be made (the caller may retry within the grace period)."""
        key = occurrence_key(scheduled.id, fire_at)
        if self._claims is not None and key not in self._claimed:
            lease = await self._claims.acquire(key, self._config.claim_seconds)
            if lease is None:
                logger.debug("schedule %s at %s: fired by another replica", scheduled.id, fire_at)
                return None
            self._claimed[key] = fire_at
        outcome = await self._fire_claimed(scheduled, fire_at)
        self._claimed.pop(key, None)  # done with it; an exception keeps it for the retry
        self._forget_stale_claims(fire_at)
        return outcome

    async def _fire_claimed(self, scheduled: ScheduleRecord, fire_at: datetime) -> str | None:
        record = await self._store.get(scheduled.id)
        if record is None or record.deleted or not record.enabled:
            return None
        if (record.cron_expr, record.timezone) != (scheduled.cron_expr, scheduled.timezone):
            return None  # changed elsewhere: this occurrence belongs to the old timetable
        if self._config.max_instances == 1 and await self._unfinished(record):
            logger.warning(
                "schedule %s at %s skipped: its previous run %s has not finished",
                record.id,
                fire_at.isoformat(),
                record.last_execution_id,
            )
            return None
        try:
            return await self.run(record, reason=f"cron {fire_at.isoformat()}")
        except AgentGatewayError as exc:  # the agent was disabled, its input no longer fits...
            logger.error(
                "schedule %s at %s could not start a run of agent %r: %s",
                record.id,
                fire_at.isoformat(),
                record.agent_id,
                exc,
            )
            return None

    async def run(self, record: ScheduleRecord, *, reason: str) -> str:
        """Submit one run of ``record`` now and note it on the schedule; returns the
        execution id. Raises what submitting raises (unknown or disabled agent, invalid
        input, a queue that cannot take the job)."""
        request = ExecutionRequest(
            agent_id=record.agent_id,
            message=record.message,
            input=dict(record.input),
            kind=ExecutionKind.SCHEDULE,
            schedule_id=record.id,
            instructions=record.instructions,
        )
        execution_id = await self._submit(request)
        logger.info("schedule %s (%s) started execution %s", record.id, reason, execution_id)
        try:
            await self._store.record_run(
                record.id,
                run_at=self._clock.now(),
                execution_id=execution_id,
                status=ExecutionStatus.QUEUED.value,
            )
        except BackendUnavailableError as exc:  # the run is accepted; only the note is lost
            logger.warning("schedule %s: its last run was not recorded: %s", record.id, exc)
        return execution_id

    def _forget_stale_claims(self, now: datetime) -> None:
        """Drop claims of occurrences too old to be retried (past the grace period)."""
        horizon = now - timedelta(seconds=self._config.claim_seconds)
        for key, fire_at in list(self._claimed.items()):
            if fire_at < horizon:
                del self._claimed[key]

    async def _unfinished(self, record: ScheduleRecord) -> bool:
        if record.last_execution_id is None:
            return False
        last = await self._executions.get(record.last_execution_id)
        return last is not None and last.status in _UNFINISHED
