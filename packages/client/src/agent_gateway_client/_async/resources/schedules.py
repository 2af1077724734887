"""``client.schedules``: cron schedules, from AGENT.md or created here."""

from __future__ import annotations

from typing import Any

from agent_gateway_client._async._pagination import AsyncPage
from agent_gateway_client._async.resources._base import AsyncResource, segment, without_none
from agent_gateway_client.models.schedules import (
    Schedule,
    ScheduleAction,
    ScheduleDetail,
    ScheduleTriggered,
)

_BASE = "/v1/schedules"


class AsyncSchedules(AsyncResource):
    """Reading needs ``schedules:read``, every change ``schedules:manage``. Without an active
    scheduler the list is empty and the rest is a :class:`NotFoundError`."""

    async def list(self) -> AsyncPage[Schedule]:
        """Every schedule, ordered by id (one page)."""
        return await self._page(Schedule, _BASE)

    async def get(self, schedule_id: str) -> ScheduleDetail:
        """A schedule with its message, instructions and input."""
        return await self._get(ScheduleDetail, f"{_BASE}/{segment(schedule_id)}")

    async def create(
        self,
        agent_id: str,
        name: str,
        cron_expr: str,
        message: str,
        *,
        instructions: str | None = None,
        input: dict[str, Any] | None = None,
        timezone: str | None = None,
        enabled: bool | None = None,
    ) -> ScheduleAction:
        """Store an admin schedule (its id is ``admin:{agent_id}:{name}``); a bad cron
        expression or time zone is a :class:`ValidationError`, a taken name a
        :class:`ConflictError`."""
        body = without_none(
            agent_id=agent_id,
            name=name,
            cron_expr=cron_expr,
            message=message,
            instructions=instructions,
            input=input,
            timezone=timezone,
            enabled=enabled,
        )
        return await self._call(ScheduleAction, "POST", _BASE, json=body)

    async def update(
        self,
        schedule_id: str,
        *,
        cron_expr: str | None = None,
        message: str | None = None,
        timezone: str | None = None,
        enabled: bool | None = None,
        instructions: str | None = None,
    ) -> ScheduleDetail:
        """Change the fields given (for an AGENT.md schedule, until its entry changes)."""
        body = without_none(
            cron_expr=cron_expr,
            message=message,
            timezone=timezone,
            enabled=enabled,
            instructions=instructions,
        )
        return await self._call(
            ScheduleDetail, "PATCH", f"{_BASE}/{segment(schedule_id)}", json=body
        )

    async def delete(self, schedule_id: str) -> ScheduleAction:
        """Delete an admin schedule; an AGENT.md one is a :class:`BadRequestError` (pause
        it, or remove it from the file)."""
        return await self._call(ScheduleAction, "DELETE", f"{_BASE}/{segment(schedule_id)}")

    async def pause(self, schedule_id: str) -> ScheduleAction:
        """Stop it firing, on every replica."""
        return await self._call(ScheduleAction, "POST", f"{_BASE}/{segment(schedule_id)}/pause")

    async def resume(self, schedule_id: str) -> ScheduleAction:
        """Fire again from the next occurrence."""
        return await self._call(ScheduleAction, "POST", f"{_BASE}/{segment(schedule_id)}/resume")

    async def trigger(self, schedule_id: str) -> ScheduleTriggered:
        """Start a run now, paused or not; follow it with ``executions.wait``."""
        return await self._call(
            ScheduleTriggered, "POST", f"{_BASE}/{segment(schedule_id)}/trigger"
        )
