"""Chat: one turn of a session, answered as JSON or streamed as Server-Sent Events."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from agent_gateway.api.chat_replay import replay_chat, replay_chat_stream
from agent_gateway.api.deps import (
    AUTH_RESPONSES,
    BODY_RESPONSES,
    STORE_RESPONSES,
    CurrentPrincipal,
    IdempotencyKey,
    Services,
    Tracking,
    protected_router,
    requires,
    user_id_of,
)
from agent_gateway.api.direct import (
    DirectRoute,
    authorized,
    idempotency_key,
    json_body,
    raise_if_invalid,
    tracking_label,
)
from agent_gateway.api.errors import ErrorBody, domain_error_response
from agent_gateway.api.idempotency import claim_key, request_fingerprint
from agent_gateway.api.invocation import (
    SESSION_ID_HEADER,
    failure_response,
    id_header,
    json_model_response,
)
from agent_gateway.api.model_overrides import check_model_override
from agent_gateway.api.schemas import AcceptedResponse, ChatRequest, ChatResponse
from agent_gateway.api.sse import EVENT_STREAM, chat_stream_response, wants_event_stream
from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.auth import Principal, Scope
from agent_gateway_core.domain.execution import ExecutionRecord
from agent_gateway_core.domain.ids import new_execution_id
from agent_gateway_core.engine.request import StreamStarted
from agent_gateway_core.errors import AgentGatewayError, DuplicateError

router = protected_router(tags=["Chat"])


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
    idempotency_key: IdempotencyKey = None,
    tracking: Tracking = None,
) -> Response:
    """Documents the chat route; requests are served by :func:`serve_chat`."""
    return await answer_chat(
        services, principal, request, agent_id, body, key=idempotency_key, tracking=tracking
    )


async def serve_chat(request: Request) -> Response:
    """``chat`` without FastAPI's per-request machinery (see :mod:`agent_gateway.api.direct`)."""
    services, principal = await authorized(request, Scope.AGENTS_INVOKE)
    errors: list[dict[str, Any]] = []
    key = idempotency_key(request, errors)
    tracking = tracking_label(request, errors)
    body = await json_body(request, ChatRequest, errors, services.http_policy.limits)
    raise_if_invalid(errors)
    assert body is not None
    agent_id = request.path_params["agent_id"]
    return await answer_chat(
        services, principal, request, agent_id, body, key=key, tracking=tracking
    )


async def answer_chat(
    services: GatewayServices,
    principal: Principal,
    request: Request,
    agent_id: str,
    body: ChatRequest,
    *,
    key: str | None = None,
    tracking: str | None = None,
) -> Response:
    """One turn: JSON, or a stream of Server-Sent Events. With an Idempotency-Key, a repeat
    of a turn is answered from the store (see :mod:`agent_gateway.api.chat_replay`)."""
    execution_id = new_execution_id()
    user_id = user_id_of(principal)
    streamed = body.stream or wants_event_stream(request.headers.get("accept"))
    try:
        check_model_override(services.runtime.workspace, body.options)
        if key is not None:
            earlier = await claim_key(
                services,
                key=key,
                user_id=user_id,
                execution_id=execution_id,
                # Asking for the same turn as a stream or as JSON is the same request.
                fingerprint=request_fingerprint(agent_id, body, exclude={"stream"}),
                route="chat",
            )
            if earlier is not None:
                record = await services.persistence.executions.get(earlier)
                if record is not None:
                    return await _replay(services, record, streamed=streamed)
                # The first request failed before its turn was stored (an unknown session,
                # say): nothing was accepted, so this one runs under the id the key holds.
                execution_id = earlier
    except AgentGatewayError as exc:
        return domain_error_response(exc, headers=id_header(execution_id))
    headers = id_header(execution_id)
    arguments = (agent_id, body.message, body.session_id, body.input, body.execution_options())
    runtime = services.runtime
    try:
        if streamed:
            stream = runtime.stream_chat(
                *arguments,
                user_id,
                execution_id=execution_id,
                idempotency_key=key,
                tracking=tracking,
            )
            started = await anext(stream)
            assert isinstance(started, StreamStarted)  # the engine's first item, always
            headers[SESSION_ID_HEADER] = started.session_id or ""
            return chat_stream_response(started, stream, headers)
        session_id, result = await runtime.chat(
            *arguments, user_id, execution_id=execution_id, idempotency_key=key, tracking=tracking
        )
    except DuplicateError as exc:
        # Two requests with one key at once, and the other one stored the turn first.
        winner = await services.persistence.executions.get(execution_id) if key else None
        if winner is None:
            return domain_error_response(exc, headers=headers)
        return await _replay(services, winner, streamed=streamed)
    except AgentGatewayError as exc:
        return domain_error_response(exc, headers=headers)
    headers[SESSION_ID_HEADER] = session_id
    if not result.succeeded:
        return failure_response(result, headers)
    answer = ChatResponse.from_result(session_id, agent_id, result)
    return json_model_response(answer, headers=headers)


async def _replay(
    services: GatewayServices, record: ExecutionRecord, *, streamed: bool
) -> Response:
    if streamed:
        return replay_chat_stream(services, record)
    return await replay_chat(services, record)


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
            "`X-Execution-Id` names the turn's execution on every answer. A repeat with the "
            "same `Idempotency-Key` and body (`stream` aside) runs nothing and adds nothing to "
            "the session: it answers with the first turn (`Idempotent-Replayed: true`), as "
            "JSON or as events, waiting for it if it still runs."
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
            202: {
                "model": AcceptedResponse,
                "description": "A repeated Idempotency-Key whose first turn still runs after "
                "the repeat waited 300 s: poll the execution.",
            },
            403: {
                "model": ErrorBody,
                "description": "The agent is disabled, or the scope is missing.",
            },
            404: {"model": ErrorBody, "description": "Unknown agent, or not the caller's session."},
            409: {
                "model": ErrorBody,
                "description": "Idempotency-Key reused with another body (`idempotency_conflict`).",
            },
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
