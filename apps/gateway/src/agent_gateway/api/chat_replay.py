"""A chat turn repeated with its ``Idempotency-Key``: the first turn's answer, from the store.

Nothing runs again and nothing is added to the session. The answer is built from the turn's
execution record and event log, so it is the same from any replica:

- as JSON, the turn's ``ChatResponse`` (or its error body). A turn still running is waited
  for, up to :data:`REPLAY_WAIT_SECONDS`; past that the answer is 202 with the execution to
  poll, as a repeated invoke gets;
- as Server-Sent Events, ``session``, the turn's ``tool_call`` and ``tool_result`` events as
  its log holds them, one ``delta`` with the whole answer, then ``done`` (or ``error``). A
  turn still running is followed through its log until it ends.

Either carries ``Idempotent-Replayed: true``, ``X-Execution-Id`` and ``X-Session-Id``.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

from fastapi.responses import Response, StreamingResponse

from agent_gateway.api.event_follow import follow_events, wait_until_ended
from agent_gateway.api.invocation import (
    REPLAYED_HEADER,
    SESSION_ID_HEADER,
    accepted_response,
    failure_response,
    id_header,
    json_model_response,
    stored_result,
)
from agent_gateway.api.schemas import ChatResponse
from agent_gateway.api.sse import EVENT_STREAM, SSE_HEADERS, error_body, sse_frame
from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.events import EventType, ExecutionEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionResult
from agent_gateway_core.errors import AgentGatewayError, ExecutionNotFoundError

REPLAY_WAIT_SECONDS = 300.0
"""How long a JSON repeat waits for a turn still running: the longest ``timeout_ms`` a turn
may ask for."""


def _headers(record: ExecutionRecord) -> dict[str, str]:
    return {
        **id_header(record.id),
        SESSION_ID_HEADER: record.session_id or "",
        REPLAYED_HEADER: "true",
    }


async def replay_chat(services: GatewayServices, record: ExecutionRecord) -> Response:
    """The first turn's answer as JSON, once it has ended."""
    store = services.persistence.executions
    if not record.status.is_terminal:
        record = await wait_until_ended(store, record.id, REPLAY_WAIT_SECONDS) or record
    headers = _headers(record)
    if not record.status.is_terminal:
        return accepted_response(record.id, record.status, headers)
    result = await stored_result(services, record)
    if not result.succeeded:
        return failure_response(result, headers)
    body = ChatResponse.from_result(record.session_id or "", record.agent_id, result)
    return json_model_response(body, headers=headers)


def replay_chat_stream(services: GatewayServices, record: ExecutionRecord) -> StreamingResponse:
    """The first turn's answer as Server-Sent Events, followed through its log if it runs."""
    return StreamingResponse(
        _replayed_events(services, record),
        media_type=EVENT_STREAM,
        headers={**SSE_HEADERS, **_headers(record)},
    )


async def _replayed_events(
    services: GatewayServices, record: ExecutionRecord
) -> AsyncIterator[bytes]:
    store = services.persistence.executions
    ids = itertools.count(1)
    session_id = record.session_id or ""
    yield sse_frame(
        next(ids),
        "session",
        {"session_id": session_id, "execution_id": record.id, "agent_id": record.agent_id},
    )
    logged: list[ExecutionEvent] = []
    try:
        async with aclosing(follow_events(store, record.id)) as batches:
            async for batch in batches:
                for event in batch:
                    logged.append(event)
                    frame = _tool_event(event)
                    if frame is not None:
                        yield sse_frame(next(ids), *frame)
        ended = await store.get(record.id)
        if ended is None:
            raise ExecutionNotFoundError(record.id)
        result = await stored_result(services, ended, logged)
    except AgentGatewayError as exc:
        message = getattr(exc, "public_message", None) or str(exc)
        yield sse_frame(next(ids), "error", error_body(exc.code, message, record.id))
        return
    for name, data in _ending(session_id, ended, result):
        yield sse_frame(next(ids), name, data)


def _tool_event(event: ExecutionEvent) -> tuple[str, dict[str, Any]] | None:
    """The chat stream's event for a stored tool event, with the fields the stream sends."""
    data = event.data
    if event.type is EventType.TOOL_CALL:
        return "tool_call", {
            "id": data.get("call_id"),
            "name": data.get("name"),
            "arguments": data.get("arguments"),
        }
    if event.type is EventType.TOOL_RESULT:
        fields = ("call_id", "name", "success", "output", "error", "duration_ms")
        return "tool_result", {name: data.get(name) for name in fields}
    return None


def _ending(
    session_id: str, record: ExecutionRecord, result: ExecutionResult
) -> list[tuple[str, Any]]:
    if not result.succeeded:
        error = error_body(
            result.error_code or "execution_failed",
            result.error or f"execution {result.status.value}",
            record.id,
            details=result.validation_errors,
        )
        return [("error", error)]
    done = ChatResponse.from_result(session_id, record.agent_id, result)
    ending: list[tuple[str, Any]] = (
        [("delta", {"text": result.raw_text})] if result.raw_text else []
    )
    return [*ending, ("done", done.model_dump(mode="json"))]
