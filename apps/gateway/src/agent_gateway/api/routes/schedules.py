"""Schedules: list, read, create and delete admin schedules, pause, resume, trigger, update.

Reading needs ``schedules:read``, every change ``schedules:manage``. Schedule ids hold ``:``
(``admin:reporter:weekly``), so they are path parameters of the ``path`` kind; the action
routes come first so ``…/pause`` is never read as part of an id. Without an active scheduler
(``scheduler: {enabled: false}``) the list is empty and the rest answer 404
``scheduler_not_active``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import Depends, Response
from pydantic import RootModel

from agent_gateway.api.deps import (
    BODY_RESPONSES,
    STORE_RESPONSES,
    Services,
    protected_router,
    requires,
)
from agent_gateway.api.errors import ErrorBody, error_response
from agent_gateway.api.safe_json import json_response
from agent_gateway.api.schedule_schemas import (
    CreateScheduleRequest,
    ScheduleActionResponse,
    ScheduleDetailInfo,
    ScheduleInfo,
    TriggerResponse,
    UpdateScheduleRequest,
)
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.domain.schedule import ScheduleSource
from agent_gateway_core.errors import ScheduleNotFoundError, SchedulerNotActiveError
from agent_gateway_core.scheduling import SchedulerEngine, ScheduleView

router = protected_router(tags=["Schedules"], responses=STORE_RESPONSES)

_ScheduleList = RootModel[list[ScheduleInfo]]

_ID = "/v1/schedules/{schedule_id:path}"
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown or deleted schedule, or no scheduler."}
}
_INVALID: dict[int | str, dict[str, Any]] = {
    **BODY_RESPONSES,
    422: {"model": ErrorBody, "description": "Bad cron expression, time zone or agent."},
}


def _active_scheduler(services: Services) -> SchedulerEngine:
    scheduler = services.runtime.scheduler
    if scheduler is None:
        raise SchedulerNotActiveError
    return scheduler


Scheduler = Annotated[SchedulerEngine, Depends(_active_scheduler)]


@router.post(
    f"{_ID}/pause",
    dependencies=[requires(Scope.SCHEDULES_MANAGE)],
    summary="Pause a schedule",
    description="It stops firing on every replica; a paused AGENT.md schedule stays paused "
    "across restarts until its AGENT.md entry changes.",
    response_model=ScheduleActionResponse,
    responses=_NOT_FOUND,
)
async def pause_schedule(schedule_id: str, scheduler: Scheduler) -> Response:
    return await _switch(scheduler.pause, schedule_id, "paused")


@router.post(
    f"{_ID}/resume",
    dependencies=[requires(Scope.SCHEDULES_MANAGE)],
    summary="Resume a paused schedule",
    description="It fires again from its next occurrence.",
    response_model=ScheduleActionResponse,
    responses=_NOT_FOUND,
)
async def resume_schedule(schedule_id: str, scheduler: Scheduler) -> Response:
    return await _switch(scheduler.resume, schedule_id, "resumed")


@router.post(
    f"{_ID}/trigger",
    dependencies=[requires(Scope.SCHEDULES_MANAGE)],
    summary="Run a schedule now",
    description="Starts a background run at once, paused or not; poll "
    "`GET /v1/executions/{execution_id}` (the `Location` header) for its result.",
    status_code=202,
    response_model=TriggerResponse,
    responses={
        **_NOT_FOUND,
        403: {"model": ErrorBody, "description": "The schedule's agent is disabled."},
    },
)
async def trigger_schedule(schedule_id: str, scheduler: Scheduler) -> Response:
    execution_id = await scheduler.trigger(schedule_id)
    if execution_id is None:
        raise ScheduleNotFoundError(schedule_id)
    return json_response(
        TriggerResponse(schedule_id=schedule_id, execution_id=execution_id),
        status_code=202,
        headers={"Location": f"/v1/executions/{execution_id}"},
    )


@router.get(
    "/v1/schedules",
    dependencies=[requires(Scope.SCHEDULES_READ)],
    summary="List schedules",
    description="Every schedule, from AGENT.md and created by an admin, ordered by id.",
    response_model=list[ScheduleInfo],
)
async def list_schedules(services: Services) -> Response:
    scheduler = services.runtime.scheduler
    views = await scheduler.list_schedules() if scheduler is not None else []
    return json_response(_ScheduleList([_summary(view) for view in views]))


@router.post(
    "/v1/schedules",
    dependencies=[requires(Scope.SCHEDULES_MANAGE)],
    summary="Create an admin schedule",
    description="Stored in the database: it survives reloads and restarts, and every "
    "replica fires it (each occurrence once).",
    status_code=201,
    response_model=ScheduleActionResponse,
    responses={
        **_INVALID,
        404: {"model": ErrorBody, "description": "No scheduler is active."},
        409: {"model": ErrorBody, "description": "The agent has a schedule of that name."},
    },
)
async def create_schedule(body: CreateScheduleRequest, scheduler: Scheduler) -> Response:
    schedule_id = await scheduler.create_admin_schedule(
        body.agent_id,
        body.name,
        body.cron_expr,
        body.message,
        instructions=body.instructions,
        input_data=body.input,
        timezone=body.timezone,
        enabled=body.enabled,
    )
    return json_response(
        ScheduleActionResponse(status="created", schedule_id=schedule_id),
        status_code=201,
        headers={"Location": f"/v1/schedules/{schedule_id}"},
    )


@router.get(
    _ID,
    dependencies=[requires(Scope.SCHEDULES_READ)],
    summary="A schedule with its message, instructions and input",
    response_model=ScheduleDetailInfo,
    responses=_NOT_FOUND,
)
async def get_schedule(schedule_id: str, scheduler: Scheduler) -> Response:
    view = await scheduler.get_schedule(schedule_id)
    if view is None:
        raise ScheduleNotFoundError(schedule_id)
    return json_response(ScheduleDetailInfo.model_validate(view.detail()))


@router.patch(
    _ID,
    dependencies=[requires(Scope.SCHEDULES_MANAGE)],
    summary="Update a schedule",
    description="Only the fields given change, on every replica. For an AGENT.md schedule the "
    "change stands until its AGENT.md entry changes; the file is not edited.",
    response_model=ScheduleDetailInfo,
    responses={**_NOT_FOUND, **_INVALID},
)
async def update_schedule(
    schedule_id: str, body: UpdateScheduleRequest, scheduler: Scheduler
) -> Response:
    if not await scheduler.update(schedule_id, **body.model_dump(exclude_none=True)):
        raise ScheduleNotFoundError(schedule_id)
    view = await scheduler.get_schedule(schedule_id)
    if view is None:  # deleted meanwhile, by another replica
        raise ScheduleNotFoundError(schedule_id)
    return json_response(ScheduleDetailInfo.model_validate(view.detail()))


@router.delete(
    _ID,
    dependencies=[requires(Scope.SCHEDULES_MANAGE)],
    summary="Delete an admin schedule",
    description="A soft delete: it stops firing and is never loaded again. AGENT.md "
    "schedules cannot be deleted here (400); remove them from the file, or pause them.",
    response_model=ScheduleActionResponse,
    responses={
        **_NOT_FOUND,
        400: {"model": ErrorBody, "description": "An AGENT.md schedule."},
    },
)
async def delete_schedule(schedule_id: str, scheduler: Scheduler) -> Response:
    view = await scheduler.get_schedule(schedule_id)
    if view is None:
        raise ScheduleNotFoundError(schedule_id)
    if view.source is not ScheduleSource.ADMIN:
        return error_response(
            400,
            "cannot_delete_workspace_schedule",
            f"{schedule_id!r} is declared in agents/{view.agent_id}/AGENT.md: remove it "
            "there, or pause it",
        )
    if not await scheduler.delete_admin_schedule(schedule_id):
        raise ScheduleNotFoundError(schedule_id)
    return json_response(ScheduleActionResponse(status="deleted", schedule_id=schedule_id))


async def _switch(
    switch: Callable[[str], Awaitable[bool]],
    schedule_id: str,
    status: Literal["paused", "resumed"],
) -> Response:
    if not await switch(schedule_id):
        raise ScheduleNotFoundError(schedule_id)
    return json_response(ScheduleActionResponse(status=status, schedule_id=schedule_id))


def _summary(view: ScheduleView) -> ScheduleInfo:
    return ScheduleInfo.model_validate(view.summary())
