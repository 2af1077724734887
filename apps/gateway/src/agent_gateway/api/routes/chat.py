"""Chat: one turn of a session, answered as JSON or streamed as Server-Sent Events."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from agent_gateway.api.deps import (
    AUTH_RESPONSES,
    BODY_RESPONSES,
    STORE_RESPONSES,
    CurrentPrincipal,
    Services,
    protected_router,
    requires,
    user_id_of,
)
from agent_gateway.api.direct import DirectRoute, authorized, json_body, raise_if_invalid
from agent_gateway.api.errors import ErrorBody, domain_error_response
from agent_gateway.api.invocation import failure_response, id_header, json_model_response
from agent_gateway.api.model_overrides import check_model_override
from agent_gateway.api.schemas import ChatRequest, ChatResponse
from agent_gateway.api.sse import EVENT_STREAM, chat_stream_response, wants_event_stream
from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.auth import Principal, Scope
from agent_gateway_core.domain.ids import new_execution_id
from agent_gateway_core.engine.request import StreamStarted
from agent_gateway_core.errors import AgentGatewayError

router = protected_router(tags=["Chat"])

SESSION_ID_HEADER = "X-Session-Id"


CHAT_PATH = "/v1/agents/{agent_id}/chat"

SSE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "description": (
        "Server-Sent Events, each `id: <n>` (from 1), `event: <type>` and one line of "
        "`data: <JSON>`, in this order:\n\n"
        "- `session` (first): `{session_id, execution_id, agent_id}`;\n"
        "- `delta`: `{text}`, a piece of the answer;\n"
        "- `tool_call`: `{id, name, arguments}`;\n"
        "- `tool_result`: `{call_id, name, success, output, error, duration_ms}`;\n"
        "- `done` (last, on success): a `ChatResponse`;\n"
        "- `error` (last, on failure): the standard error body, `{error: {code, message, "
        "details, execution_id}}`."
    ),
    "example": (
        'id: 1\nevent: session\ndata: {"session_id":"sess_...","execution_id":"...",'
        '"agent_id":"assistant"}\n\nid: 2\nevent: delta\ndata: {"text":"Hel"}\n\n'
        'id: 3\nevent: done\ndata: {"session_id":"sess_...","status":"succeeded",...}\n\n'
    ),
}


async def chat(
    agent_id: str,
    body: ChatRequest,
    services: Services,
    principal: CurrentPrincipal,
    request: Request,
) -> Response:
    """Documents the chat route; requests are served by :func:`serve_chat`."""
    return await answer_chat(services, principal, request, agent_id, body)


async def serve_chat(request: Request) -> Response:
    """``chat`` without FastAPI's per-request machinery (see :mod:`agent_gateway.api.direct`)."""
    services, principal = await authorized(request, Scope.AGENTS_INVOKE)
    errors: list[dict[str, Any]] = []
    body = await json_body(request, ChatRequest, errors, services.http_policy.limits)
    raise_if_invalid(errors)
    assert body is not None
    return await answer_chat(services, principal, request, request.path_params["agent_id"], body)


async def answer_chat(
    services: GatewayServices,
    principal: Principal,
    request: Request,
    agent_id: str,
    body: ChatRequest,
) -> Response:
    """One turn: JSON, or a stream of Server-Sent Events."""
    execution_id = new_execution_id()
    headers = id_header(execution_id)
    try:
        check_model_override(services.runtime.workspace, body.options)
    except AgentGatewayError as exc:
        return domain_error_response(exc, headers=headers)
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
    return json_model_response(answer, headers=headers)


router.routes.append(
    DirectRoute(
        CHAT_PATH,
        chat,
        serve=serve_chat,
        methods=["POST"],
        summary="Chat with an agent",
        description=(
            "One turn of a chat session; omit `session_id` to start one. Answers JSON, or "
            "Server-Sent Events with `Accept: text/event-stream` or `stream: true`: `session` "
            "(first), `delta`, `tool_call`, `tool_result`, then `done` or `error`. "
            "`X-Execution-Id` names the turn's execution on every answer."
        ),
        response_model=ChatResponse,
        responses={
            **AUTH_RESPONSES,
            **BODY_RESPONSES,
            **STORE_RESPONSES,
            200: {
                "description": "The turn (JSON), or its Server-Sent Events (`text/event-stream`).",
                "content": {EVENT_STREAM: {"schema": SSE_SCHEMA}},
            },
            403: {
                "model": ErrorBody,
                "description": "The agent is disabled, or the scope is missing.",
            },
            404: {"model": ErrorBody, "description": "Unknown agent, or not the caller's session."},
            422: {
                "model": ErrorBody,
                "description": "Invalid body, a body over a limit, or a model not allowed "
                "(`model_not_allowed`).",
            },
            502: {
                "model": ErrorBody,
                "description": "The model failed (the message names the kind of failure, the "
                "provider and the model).",
            },
            504: {"model": ErrorBody, "description": "The turn timed out."},
        },
        tags=["Chat"],
        dependencies=[requires(Scope.AGENTS_INVOKE)],
    )
)
