"""Executions: the caller's execution records, their event logs, cancellation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Query, Request, Response
from pydantic import RootModel

from agent_gateway.api.deps import (
    STORE_RESPONSES,
    TRACKING_MAX_LENGTH,
    CurrentPrincipal,
    Services,
    protected_router,
    requires,
    user_id_of,
)
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.limits import DIGITS_ONLY, MAX_OFFSET, After, Offset, Since
from agent_gateway.api.safe_json import json_response
from agent_gateway.api.schemas import (
    CancelResponse,
    ExecutionEventOut,
    ExecutionOut,
    ExecutionPage,
)
from agent_gateway.api.sse import EVENT_STREAM, execution_events_response, wants_event_stream
from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.auth import Principal, Scope
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.errors import ConflictError, ExecutionNotFoundError
from agent_gateway_core.ports.persistence.executions import ExecutionQuery

router = protected_router(tags=["Executions"], responses=STORE_RESPONSES)

_EventList = RootModel[list[ExecutionEventOut]]

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown, or not the caller's."}
}


@router.get(
    "/v1/executions",
    dependencies=[requires(Scope.EXECUTIONS_READ)],
    summary="List the caller's executions",
    response_model=ExecutionPage,
)
async def list_executions(
    services: Services,
    principal: CurrentPrincipal,
    agent_id: str | None = None,
    status: ExecutionStatus | None = None,
    since: Since = None,
    tracking: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=TRACKING_MAX_LENGTH,
            description="Only those created by requests with this `X-Agent-Gateway-Tracking` "
            "label (exact, case-sensitive).",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200), DIGITS_ONLY] = 50,
    offset: Offset = 0,
) -> Response:
    page = await services.persistence.executions.query(
        ExecutionQuery(
            agent_id=agent_id,
            status=status,
            user_id=user_id_of(principal),
            tracking=tracking,
            since=since,
            limit=limit,
            offset=offset,
        )
    )
    return json_response(
        ExecutionPage(
            items=[ExecutionOut.from_record(r) for r in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
        )
    )


@router.get(
    "/v1/executions/{execution_id}",
    dependencies=[requires(Scope.EXECUTIONS_READ)],
    summary="An execution with its result and usage",
    response_model=ExecutionOut,
    responses=_NOT_FOUND,
)
async def get_execution(
    execution_id: str, services: Services, principal: CurrentPrincipal
) -> Response:
    return json_response(
        ExecutionOut.from_record(await _own_record(services, principal, execution_id))
    )


LastEventId = Annotated[
    int | None,
    Header(
        alias="Last-Event-ID",
        ge=0,
        le=MAX_OFFSET,
        description="With `Accept: text/event-stream`: the `id` of the last event received; "
        "the stream resumes right after it.",
    ),
    DIGITS_ONLY,
]

EVENTS_SSE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "description": (
        "Server-Sent Events, one per stored event: `id: <seq>`, `event: <type>` (such as "
        "`execution.started`, `tool.call`, `execution.completed`) and one line of `data:` "
        "holding the event as the JSON list shows it (`seq`, `type`, `at`, `data`). The "
        "stream ends after the terminal event (`execution.completed`, `execution.failed`, "
        "`execution.cancelled`, `execution.timed_out`). A quiet stream sends a `: keep-alive` "
        "comment every 15 s; a store failure ends it with an `error` event (no `id`)."
    ),
    "example": (
        'id: 1\nevent: execution.started\ndata: {"seq":1,"type":"execution.started",...}\n\n'
        'id: 2\nevent: execution.completed\ndata: {"seq":2,...}\n\n'
    ),
}


@router.get(
    "/v1/executions/{execution_id}/events",
    dependencies=[requires(Scope.EXECUTIONS_READ)],
    summary="The event log of an execution",
    description=(
        "The events stored so far, as a JSON list; or, with `Accept: text/event-stream`, "
        "as Server-Sent Events that follow the log until the execution ends. Each event's "
        "`id` is its `seq`: reconnecting with `Last-Event-ID` resumes after that event, "
        "missing none and repeating none (from any replica). Both start after `after`, "
        "or after `Last-Event-ID` when that is later."
    ),
    response_model=list[ExecutionEventOut],
    responses={
        **_NOT_FOUND,
        200: {
            "description": "The events (JSON), or a stream of them (`text/event-stream`).",
            "content": {EVENT_STREAM: {"schema": EVENTS_SSE_SCHEMA}},
        },
    },
)
async def list_execution_events(
    execution_id: str,
    request: Request,
    services: Services,
    principal: CurrentPrincipal,
    after: After = 0,
    last_event_id: LastEventId = None,
) -> Response:
    await _own_record(services, principal, execution_id)
    after = max(after, last_event_id or 0)
    store = services.persistence.executions
    if wants_event_stream(request.headers.get("accept")):
        return execution_events_response(store, execution_id, after)
    events = await store.list_events(execution_id, after)
    return json_response(_EventList([ExecutionEventOut.from_event(e) for e in events]))


@router.post(
    "/v1/executions/{execution_id}/cancel",
    dependencies=[requires(Scope.EXECUTIONS_MANAGE)],
    summary="Cancel an execution",
    status_code=202,
    response_model=CancelResponse,
    responses={**_NOT_FOUND, 409: {"model": ErrorBody, "description": "Already finished."}},
)
async def cancel_execution(
    execution_id: str, services: Services, principal: CurrentPrincipal
) -> CancelResponse:
    _check_not_finished(await _own_record(services, principal, execution_id))
    if not await services.runtime.cancel(execution_id):
        _check_not_finished(await _own_record(services, principal, execution_id))
        raise ConflictError(
            f"execution {execution_id!r} cannot be cancelled: it is not running in this "
            "process and there is no queue to reach the process running it"
        )
    return CancelResponse(execution_id=execution_id, cancel_requested=True)


async def _own_record(
    services: GatewayServices, principal: Principal, execution_id: str
) -> ExecutionRecord:
    """The caller's execution; another user's is reported as not found. A schedule's run
    belongs to no user: whoever may read the schedules may read it."""
    record = await services.persistence.executions.get(execution_id)
    user_id = user_id_of(principal)
    if record is None or (
        user_id is not None and record.user_id != user_id and not _scheduled(record, principal)
    ):
        raise ExecutionNotFoundError(execution_id)
    return record


def _scheduled(record: ExecutionRecord, principal: Principal) -> bool:
    return (
        record.user_id is None
        and record.schedule_id is not None
        and principal.has_scope(Scope.SCHEDULES_READ, agent_id=record.agent_id)
    )


def _check_not_finished(record: ExecutionRecord) -> None:
    if record.status.is_terminal:
        raise ConflictError(f"execution {record.id!r} has already finished ({record.status.value})")
