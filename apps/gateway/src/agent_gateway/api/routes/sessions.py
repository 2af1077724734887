"""Sessions: the caller's live chat sessions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response
from pydantic import RootModel

from agent_gateway.api.deps import (
    CurrentPrincipal,
    Services,
    protected_router,
    requires,
    user_id_of,
)
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.limits import DIGITS_ONLY
from agent_gateway.api.safe_json import json_response
from agent_gateway.api.schemas import SessionDetail, SessionOut
from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.auth import Principal, Scope
from agent_gateway_core.domain.conversation import Session
from agent_gateway_core.errors import SessionNotFoundError

router = protected_router(tags=["Sessions"])

_SessionList = RootModel[list[SessionOut]]

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown, expired or not the caller's."}
}


@router.get(
    "/v1/sessions",
    dependencies=[requires(Scope.SESSIONS_READ)],
    summary="List the caller's sessions",
    response_model=list[SessionOut],
)
async def list_sessions(
    services: Services,
    principal: CurrentPrincipal,
    agent_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200), DIGITS_ONLY] = 50,
) -> Response:
    sessions = services.runtime.list_sessions(agent_id, limit, user_id=user_id_of(principal))
    return json_response(_SessionList([SessionOut.from_session(s) for s in sessions]))


@router.get(
    "/v1/sessions/{session_id}",
    dependencies=[requires(Scope.SESSIONS_READ)],
    summary="A session with its messages",
    response_model=SessionDetail,
    responses=_NOT_FOUND,
)
async def get_session(session_id: str, services: Services, principal: CurrentPrincipal) -> Response:
    return json_response(SessionDetail.from_session(_own_session(services, principal, session_id)))


@router.delete(
    "/v1/sessions/{session_id}",
    dependencies=[requires(Scope.SESSIONS_WRITE)],
    summary="End a session",
    status_code=204,
    response_class=Response,
    response_model=None,
    responses=_NOT_FOUND,
)
async def delete_session(session_id: str, services: Services, principal: CurrentPrincipal) -> None:
    _own_session(services, principal, session_id)
    services.runtime.delete_session(session_id)


def _own_session(services: GatewayServices, principal: Principal, session_id: str) -> Session:
    """The caller's live session; another user's is reported as not found."""
    session = services.runtime.get_session(session_id)
    user_id = user_id_of(principal)
    if session is None or (user_id is not None and session.user_id != user_id):
        raise SessionNotFoundError(session_id)
    return session
