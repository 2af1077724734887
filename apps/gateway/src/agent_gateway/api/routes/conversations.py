"""Conversations: the caller's stored chat history, kept after sessions leave memory."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response

from agent_gateway.api.deps import (
    STORE_RESPONSES,
    CurrentPrincipal,
    Services,
    protected_router,
    requires,
    user_id_of,
)
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.limits import DIGITS_ONLY, Offset
from agent_gateway.api.safe_json import json_response
from agent_gateway.api.schemas import (
    ConversationOut,
    ConversationPage,
    MessagePage,
    StoredMessageOut,
)
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.errors import SessionNotFoundError

router = protected_router(tags=["Conversations"], responses=STORE_RESPONSES)

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown, or not the caller's."}
}


@router.get(
    "/v1/users/me/conversations",
    dependencies=[requires(Scope.SESSIONS_READ)],
    summary="List the caller's conversations",
    response_model=ConversationPage,
)
async def list_conversations(
    services: Services,
    principal: CurrentPrincipal,
    agent_id: Annotated[str | None, Query(description="Only this agent's.")] = None,
    limit: Annotated[int, Query(ge=1, le=200), DIGITS_ONLY] = 50,
    offset: Offset = 0,
) -> Response:
    """Most recently updated first. With auth off, the conversations of anonymous callers."""
    page = await services.persistence.conversations.list_for_user(
        user_id_of(principal), agent_id=agent_id, limit=limit, offset=offset
    )
    return json_response(
        ConversationPage(
            items=[ConversationOut.from_record(record) for record in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
        )
    )


@router.get(
    "/v1/users/me/conversations/{conversation_id}/messages",
    dependencies=[requires(Scope.SESSIONS_READ)],
    summary="The messages of one of the caller's conversations",
    response_model=MessagePage,
    responses=_NOT_FOUND,
)
async def list_conversation_messages(
    conversation_id: str,
    services: Services,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=500), DIGITS_ONLY] = 100,
    offset: Offset = 0,
) -> Response:
    """Oldest first (by `seq`); another user's conversation is reported as not found."""
    record = await services.persistence.conversations.get(conversation_id)
    if record is None or record.user_id != user_id_of(principal):
        raise SessionNotFoundError(conversation_id)
    messages = await services.persistence.conversations.list_messages(
        conversation_id, limit=limit, offset=offset
    )
    return json_response(
        MessagePage(
            items=[StoredMessageOut.from_record(m) for m in messages],
            total=record.message_count,
            limit=limit,
            offset=offset,
        )
    )
