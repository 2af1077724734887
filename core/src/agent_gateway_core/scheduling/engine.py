"""SchedulerEngine: fires cron schedules and manages them, for every process on one store."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.domain.schedule import ScheduleRecord, ScheduleSource
from agent_gateway_core.errors import AgentGatewayError, ScheduleConflictError
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.executions import ExecutionStore
from agent_gateway_core.ports.persistence.schedules import ScheduleStore
from agent_gateway_core.ports.schedule_lock import ScheduleLock
from agent_gateway_core.scheduling.config import SchedulerConfig
from agent_gateway_core.scheduling.cron_times import next_fire_time
from agent_gateway_core.scheduling.firing import Firing, Submit
from agent_gateway_core.scheduling.records import admin_record, check_definition
from agent_gateway_core.scheduling.timetable import Timetable, fires
from agent_gateway_core.scheduling.views import ScheduleView
from agent_gateway_core.scheduling.workspace_sync import sync_workspace_schedules
from agent_gateway_core.workspace.state import WorkspaceState

logger = logging.getLogger("agent_gateway.scheduler")

# Kept in the store, not shown: bookkeeping, and the status as of the run's start.
_NOT_SHOWN = {"deleted", "spec_hash", "revision", "last_status"}

# After a pass that failed (the store or the claims were unavailable), wait this long.
_RETRY_SECONDS = 1.0


class SchedulerEngine:
    """Cron schedules from AGENT.md (``{agent_id}:{name}``) and created by an admin
    (``admin:{agent_id}:{name}``), kept in the ScheduleStore that every replica shares.

    :meth:`start` writes the workspace's schedules to the store (a declaration that changed
    replaces the stored one; one no longer declared is deleted) and starts a loop that fires
    each occurrence through :class:`~agent_gateway_core.scheduling.firing.Firing`: claimed
    once across replicas, submitted as a background execution. Changes made here apply at
    once; those made by other processes within ``config.sync_interval_seconds`` (the loop
    polls ``ScheduleStore.revision()``). The management methods follow the Gateway
    reference: ``False`` or ``None`` for an unknown (or deleted) schedule.
    """

    def __init__(
        self,
        *,
        store: ScheduleStore,
        executions: ExecutionStore,
        claims: ScheduleLock | None,
        submit: Submit,
        workspace: Callable[[], WorkspaceState],
        clock: Clock,
        config: SchedulerConfig | None = None,
    ) -> None:
        self._store = store
        self._executions = executions
        self._workspace = workspace
        self._clock = clock
        self._config = config or SchedulerConfig()
        self._grace = timedelta(seconds=self._config.misfire_grace_seconds)
        self._firing = Firing(
            store=store,
            executions=executions,
            claims=claims,
            submit=submit,
            clock=clock,
            config=self._config,
        )
        self._timetable = Timetable()
        self._seen_revision: int | None = None
        self._next_sync = 0.0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def config(self) -> SchedulerConfig:
        return self._config

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Write the workspace's schedules to the store, load them all, start firing."""
        if self._task is not None:
            return
        await self.sync_workspace()
        await self._sync()
        self._task = asyncio.create_task(self._loop(), name="scheduler")

    async def aclose(self) -> None:
        """Stop firing; runs already submitted go on. Twice is harmless."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def sync_workspace(self) -> None:
        """Bring the store's workspace schedules in line with the AGENT.md files (at start and
        after a reload)."""
        await sync_workspace_schedules(
            self._store,
            self._workspace().agents.values(),
            default_timezone=self._workspace().timezone,
            now=self._clock.now(),
        )
        self._changed()

    # ---------------------------------------------------------------- reading

    async def list_schedules(self) -> list[ScheduleView]:
        """Every live schedule, ordered by id."""
        records = await self._store.list_all()
        return list(await asyncio.gather(*(self._view(r) for r in records)))

    async def get_schedule(self, schedule_id: str) -> ScheduleView | None:
        record = await self._live(schedule_id)
        return await self._view(record) if record is not None else None

    # ---------------------------------------------------------------- managing

    async def pause(self, schedule_id: str) -> bool:
        return await self._edit(schedule_id, enabled=False)

    async def resume(self, schedule_id: str) -> bool:
        return await self._edit(schedule_id, enabled=True)

    async def update(
        self,
        schedule_id: str,
        *,
        cron_expr: str | None = None,
        message: str | None = None,
        timezone: str | None = None,
        enabled: bool | None = None,
        instructions: str | None = None,
    ) -> bool:
        """Change only the given fields; ScheduleValidationError for a bad cron expression or
        time zone. A workspace schedule keeps the change until its AGENT.md declaration
        changes."""
        check_definition(cron_expr=cron_expr, timezone=timezone, message=message)
        changes: dict[str, Any] = {
            "cron_expr": cron_expr,
            "message": message,
            "timezone": timezone,
            "enabled": enabled,
            "instructions": instructions,
        }
        return await self._edit(schedule_id, **{k: v for k, v in changes.items() if v is not None})

    async def trigger(self, schedule_id: str) -> str | None:
        """Run the schedule now, whatever its cron, pause or previous run; the execution id,
        or ``None`` if the schedule is unknown. Raises what submitting raises (a disabled
        agent, ...)."""
        record = await self._live(schedule_id)
        if record is None:
            return None
        return await self._firing.run(record, reason="manual trigger")

    async def create_admin_schedule(
        self,
        agent_id: str,
        name: str,
        cron_expr: str,
        message: str,
        instructions: str | None = None,
        input_data: dict[str, Any] | None = None,
        timezone: str = "UTC",
        enabled: bool = True,
    ) -> str:
        """Store a new admin schedule and start firing it; returns its id. Raises
        ScheduleValidationError (unknown agent, bad name, cron or time zone) or
        ScheduleConflictError (a live schedule of that agent has the name)."""
        record = admin_record(
            agents=self._agents(),
            agent_id=agent_id,
            name=name,
            cron_expr=cron_expr,
            message=message,
            instructions=instructions,
            input_data=input_data,
            timezone=timezone,
            enabled=enabled,
            now=self._clock.now(),
        )
        if not await self._store.create(record):
            raise ScheduleConflictError(
                f"agent {agent_id!r} already has a schedule named {name!r} ({record.id})"
            )
        self._changed()
        return record.id

    async def delete_admin_schedule(self, schedule_id: str) -> bool:
        """Soft-delete an admin schedule; ``False`` for a workspace schedule and for an
        unknown or already deleted one. It is never fired or loaded again."""
        record = await self._live(schedule_id)
        if record is None or record.source is not ScheduleSource.ADMIN:
            return False
        deleted = await self._store.soft_delete(schedule_id)
        self._changed()
        return deleted

    # ---------------------------------------------------------------- the loop

    async def _loop(self) -> None:
        while True:
            delay = _RETRY_SECONDS
            try:
                if self._clock.monotonic() >= self._next_sync:
                    await self._sync_if_changed()
                await self._fire_due()
                delay = self._seconds_to_next_event()
            except asyncio.CancelledError:
                raise
            except AgentGatewayError as exc:  # the store or the claims are unavailable
                logger.warning("scheduler: %s; retrying in %.0f s", exc, _RETRY_SECONDS)
            except Exception:
                logger.exception("scheduler pass failed; retrying in %.0f s", _RETRY_SECONDS)
            await self._sleep(delay)

    async def _fire_due(self) -> None:
        now = self._clock.now()
        due = self._timetable.take_due(now, grace=self._grace, coalesce=self._config.coalesce)
        for item in due:
            if item.missed_since is not None:
                logger.warning(
                    "schedule %s: occurrences from %s were more than %.0f s late and are "
                    "skipped (misfire_grace_seconds)",
                    item.record.id,
                    item.missed_since.isoformat(),
                    self._config.misfire_grace_seconds,
                )
        failure: AgentGatewayError | None = None
        for item in due:
            for fire_at in item.fire_at:
                try:
                    await self._firing.fire(item.record, fire_at)
                except AgentGatewayError as exc:  # this schedule waits for the retry
                    self._timetable.retry(item.record.id, fire_at)
                    failure = exc
                    break
        if failure is not None:
            raise failure

    def _seconds_to_next_event(self) -> float:
        until_sync = max(0.0, self._next_sync - self._clock.monotonic())
        earliest = self._timetable.earliest()
        if earliest is None:
            return until_sync
        return min(until_sync, max(0.0, (earliest - self._clock.now()).total_seconds()))

    async def _sleep(self, seconds: float) -> None:
        """Sleep on the clock, or less when a change made here wakes the loop."""
        if self._wake.is_set():
            self._wake.clear()
            await self._clock.sleep(0)
            return
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()
            self._wake.clear()

    async def _sync_if_changed(self) -> None:
        revision = await self._store.revision()
        if revision != self._seen_revision:
            await self._sync(revision)
        self._next_sync = self._clock.monotonic() + self._config.sync_interval_seconds

    async def _sync(self, revision: int | None = None) -> None:
        """Rebuild the timetable from the store; ``revision`` is the store's, read just
        before (a write between the two reads is seen again at the next poll)."""
        if revision is None:
            revision = await self._store.revision()
        records = await self._store.list_all()
        self._timetable.replace(
            records,
            self._agents(),
            now=self._clock.now(),
            grace=self._grace,
            catch_up=not self.running,  # the first sync, as the process starts
        )
        self._seen_revision = revision

    def _changed(self) -> None:
        """A change made here (or to the workspace: an agent disabled or back): rebuild the
        timetable from the store on the loop's next pass, at once."""
        self._seen_revision = None
        self._next_sync = 0.0
        self._wake.set()

    # ---------------------------------------------------------------- internals

    def _agents(self) -> Mapping[str, AgentDefinition]:
        return self._workspace().agents

    async def _live(self, schedule_id: str) -> ScheduleRecord | None:
        record = await self._store.get(schedule_id)
        return record if record is not None and not record.deleted else None

    async def _edit(self, schedule_id: str, **changes: Any) -> bool:
        record = await self._live(schedule_id)
        if record is None:
            return False
        changes["updated_at"] = self._clock.now()
        await self._store.save(record.model_copy(update=changes))
        self._changed()
        return True

    async def _view(self, record: ScheduleRecord) -> ScheduleView:
        next_run_at = None
        if fires(record, self._agents()):
            next_run_at = next_fire_time(record.cron_expr, record.timezone, self._clock.now())
        last_status = record.last_status
        if record.last_execution_id is not None:
            last = await self._executions.get(record.last_execution_id)
            last_status = last.status.value if last is not None else last_status
        return ScheduleView(
            **record.model_dump(exclude=_NOT_SHOWN),
            next_run_at=next_run_at,
            last_status=last_status,
        )
