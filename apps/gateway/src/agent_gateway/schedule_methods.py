"""The Gateway reference's schedule management methods, over the runtime's SchedulerEngine.

Every method returns an empty value (``[]``, ``None``, ``False``) when no scheduler is active:
before startup, and with ``scheduler: {enabled: false}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent_gateway.services import GatewayServices
    from agent_gateway_core.scheduling import SchedulerEngine


class ScheduleMethods:
    """Mixed into :class:`~agent_gateway.gateway.Gateway`."""

    _services: GatewayServices | None

    @property
    def scheduler(self) -> SchedulerEngine | None:
        """The scheduler engine when cron schedules are enabled and the gateway has started."""
        return self._services.runtime.scheduler if self._services is not None else None

    async def list_schedules(self) -> list[dict[str, Any]]:
        """Every schedule (workspace and admin) with its status, next fire time and last run:
        ``id``, ``agent_id``, ``name``, ``cron_expr``, ``enabled``, ``timezone``, ``source``,
        ``next_run_at``, ``last_run_at``, ``created_at``, ``last_execution_id`` and
        ``last_status`` (that run's execution status now)."""
        scheduler = self.scheduler
        if scheduler is None:
            return []
        return [view.summary() for view in await scheduler.list_schedules()]

    async def get_schedule(self, schedule_id: str) -> dict[str, Any] | None:
        """One schedule as listed, plus ``message``, ``instructions``, ``input`` and
        ``updated_at``; ``None`` if unknown or deleted."""
        scheduler = self.scheduler
        if scheduler is None:
            return None
        view = await scheduler.get_schedule(schedule_id)
        return view.detail() if view is not None else None

    async def pause_schedule(self, schedule_id: str) -> bool:
        """Stop a schedule from firing, on every replica; ``True`` if found. A paused
        workspace schedule stays paused across restarts until its AGENT.md entry changes."""
        scheduler = self.scheduler
        return await scheduler.pause(schedule_id) if scheduler is not None else False

    async def resume_schedule(self, schedule_id: str) -> bool:
        """Let a paused schedule fire again from its next occurrence; ``True`` if found."""
        scheduler = self.scheduler
        return await scheduler.resume(schedule_id) if scheduler is not None else False

    async def trigger_schedule(self, schedule_id: str) -> str | None:
        """Run a schedule now, outside its cadence (paused or not); the execution id, or
        ``None`` if the schedule is unknown. Raises AgentDisabledError when its agent is
        disabled."""
        scheduler = self.scheduler
        return await scheduler.trigger(schedule_id) if scheduler is not None else None

    async def update_schedule(
        self,
        schedule_id: str,
        cron_expr: str | None = None,
        message: str | None = None,
        timezone: str | None = None,
        enabled: bool | None = None,
        instructions: str | None = None,
    ) -> bool:
        """Change only the given fields, in the running scheduler (every replica) and in the
        stored record; ``True`` if found. Raises ScheduleValidationError for a bad cron
        expression or time zone. AGENT.md is not edited. ``instructions`` (after the
        reference's parameters) is accepted as agents-gateway 0.2.13 accepts it."""
        scheduler = self.scheduler
        if scheduler is None:
            return False
        return await scheduler.update(
            schedule_id,
            cron_expr=cron_expr,
            message=message,
            timezone=timezone,
            enabled=enabled,
            instructions=instructions,
        )

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
    ) -> str | None:
        """Create a schedule kept in the database, surviving reloads and restarts; returns
        ``admin:{agent_id}:{name}``, or ``None`` if no scheduler is active. Raises
        ScheduleConflictError when the agent has a live schedule of that name, and
        ScheduleValidationError for an unknown agent, a bad cron expression or time zone, or
        a name outside ``[A-Za-z0-9_.-]``."""
        scheduler = self.scheduler
        if scheduler is None:
            return None
        return await scheduler.create_admin_schedule(
            agent_id,
            name,
            cron_expr,
            message,
            instructions=instructions,
            input_data=input_data,
            timezone=timezone,
            enabled=enabled,
        )

    async def delete_admin_schedule(self, schedule_id: str) -> bool:
        """Soft-delete an admin schedule: it stops firing at once and is never loaded again.
        ``False`` if it does not exist, is already deleted, or is a workspace schedule."""
        scheduler = self.scheduler
        return await scheduler.delete_admin_schedule(schedule_id) if scheduler else False
