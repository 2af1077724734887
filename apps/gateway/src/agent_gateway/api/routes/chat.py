"""Chat: one turn of a session, answered as JSON or streamed as Server-Sent Events."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from agent_gateway.api.deps import CurrentPrincipal, Services, protected_router, user_id_of
from agent_gateway.api.errors import ErrorBody, domain_error_response
from agent_gateway.api.invocation import failure_response, id_header
from agent_gateway.api.schemas import ChatRequest, ChatResponse
from agent_gateway.api.sse import EVENT_STREAM, chat_stream_response, wants_event_stream
from agent_gateway_core.domain.ids import new_execution_id
from agent_gateway_core.engine.request import StreamStarted
from agent_gateway_core.errors import AgentGatewayError

router = protected_router(tags=["Chat"])

SESSION_ID_HEADER = "X-Session-Id"


@router.post(
    "/v1/agents/{agent_id}/chat",
    summary="Chat with an agent",
    description=(
        "One turn of a chat session; omit `session_id` to start one. Answers JSON, or "
        "Server-Sent Events with `Accept: text/event-stream` or `stream: true`: `session` "
        "(first), `delta`, `tool_call`, `tool_result`, then `done` or `error`. "
        "`X-Execution-Id` names the turn's execution on every answer."
    ),
    response_model=ChatResponse,
    responses={
        200: {"content": {EVENT_STREAM: {"schema": {"type": "string"}}}},
        403: {"model": ErrorBody, "description": "The agent is disabled."},
        404: {"model": ErrorBody, "description": "Unknown agent, or not the caller's session."},
        502: {"model": ErrorBody, "description": "The model failed."},
        504: {"model": ErrorBody, "description": "The turn timed out."},
    },
)
async def chat(
    agent_id: str,
    body: ChatRequest,
    services: Services,
    principal: CurrentPrincipal,
    request: Request,
) -> Response:
    execution_id = new_execution_id()
    headers = id_header(execution_id)
    arguments = (agent_id, body.message, body.session_id, body.input, body.execution_options())
    user_id = user_id_of(principal)
    if body.stream or wants_event_stream(request.headers.get("accept")):
        stream = services.runtime.stream_chat(*arguments, user_id, execution_id=execution_id)
        try:
            started = await anext(stream)
        except AgentGatewayError as exc:
            return domain_error_response(exc, headers=headers)
        assert isinstance(started, StreamStarted)  # the engine's first item, always
        headers[SESSION_ID_HEADER] = started.session_id or ""
        return chat_stream_response(started, stream, headers)
    try:
        session_id, result = await services.runtime.chat(
            *arguments, user_id, execution_id=execution_id
        )
    except AgentGatewayError as exc:
        return domain_error_response(exc, headers=headers)
    headers[SESSION_ID_HEADER] = session_id
    if not result.succeeded:
        return failure_response(result, headers)
    answer = ChatResponse.from_result(session_id, agent_id, result)
    return JSONResponse(answer.model_dump(mode="json"), headers=headers)
