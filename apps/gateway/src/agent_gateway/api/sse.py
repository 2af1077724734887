"""Server-Sent Events: a streamed chat turn, and an execution's event log as it grows.

A chat turn streams as ``session``, ``delta``, ``tool_call``, ``tool_result`` and finally
``done`` (the result) or ``error`` (the standard error body); each event has an ``id:``
counting from 1. An execution's log streams its stored events, each with its ``seq`` as
``id:`` and its type as ``event:``, so a client reconnecting with ``Last-Event-ID`` resumes
right after the last event it got. ``data:`` is always one line of JSON.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

from fastapi.responses import StreamingResponse

from agent_gateway.api.errors import ErrorBody, ErrorDetail
from agent_gateway.api.event_follow import follow_events
from agent_gateway.api.safe_json import dump_json
from agent_gateway.api.schemas import ChatResponse, ExecutionEventOut
from agent_gateway.request_ids import request_log_tag
from agent_gateway_core.domain.events import ExecutionEvent
from agent_gateway_core.domain.execution import ExecutionResult
from agent_gateway_core.engine.request import (
    StreamDelta,
    StreamItem,
    StreamStarted,
    StreamToolCall,
    StreamToolResult,
)
from agent_gateway_core.errors import AgentGatewayError
from agent_gateway_core.ports.persistence.executions import ExecutionStore

logger = logging.getLogger("agent_gateway.api")

EVENT_STREAM = "text/event-stream"
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
KEEP_ALIVE_SECONDS = 15.0
"""A quiet stream sends a comment line this often, so proxies keep the connection open."""


def wants_event_stream(accept: str | None) -> bool:
    """Whether an ``Accept`` header asks for Server-Sent Events."""
    return accept is not None and EVENT_STREAM in accept.lower()


def sse_frame(event_id: int | None, event: str, data: Any) -> bytes:
    """One event; without an ``id:`` when ``event_id`` is ``None`` (a client's
    ``Last-Event-ID`` then stays the last id it got)."""
    payload = json.dumps(data, separators=(",", ":"), default=str)
    head = "" if event_id is None else f"id: {event_id}\n"
    return f"{head}event: {event}\ndata: {payload}\n\n".encode()


def chat_stream_response(
    started: StreamStarted, rest: AsyncIterator[StreamItem], headers: dict[str, str]
) -> StreamingResponse:
    """Stream a chat turn whose first item (``started``) the caller has already read, so
    errors before the turn started were answered as ordinary error responses."""
    return StreamingResponse(
        _chat_events(started, rest),
        media_type=EVENT_STREAM,
        headers={**SSE_HEADERS, **headers},
    )


async def _chat_events(
    started: StreamStarted, rest: AsyncIterator[StreamItem]
) -> AsyncIterator[bytes]:
    ids = itertools.count(1)
    session_id = started.session_id or ""
    yield sse_frame(
        next(ids),
        "session",
        {
            "session_id": session_id,
            "execution_id": started.execution_id,
            "agent_id": started.agent_id,
        },
    )
    try:
        async for item in rest:
            event = _event_of(item, started, session_id)
            if event is not None:
                yield sse_frame(next(ids), *event)
    except AgentGatewayError as exc:
        # As for an error response: an error with a public message (an unavailable backend)
        # keeps what names the server for the log.
        message = getattr(exc, "public_message", None) or str(exc)
        if message != str(exc):
            logger.warning(
                "chat stream of execution %s failed: %s%s",
                started.execution_id,
                exc,
                request_log_tag(),
            )
        yield sse_frame(next(ids), "error", error_body(exc.code, message, started.execution_id))
    except Exception:
        logger.exception(
            "chat stream of execution %s failed%s", started.execution_id, request_log_tag()
        )
        yield sse_frame(
            next(ids),
            "error",
            error_body("internal_error", "internal server error", started.execution_id),
        )
    finally:
        aclose = getattr(rest, "aclose", None)
        if aclose is not None:
            await aclose()  # an abandoned stream cancels its execution


def _event_of(item: StreamItem, started: StreamStarted, session_id: str) -> tuple[str, Any] | None:
    if isinstance(item, StreamDelta):
        return "delta", {"text": item.text}
    if isinstance(item, StreamToolCall):
        call = item.call
        return "tool_call", {"id": call.id, "name": call.name, "arguments": call.arguments}
    if isinstance(item, StreamToolResult):
        return "tool_result", item.result.model_dump(mode="json")
    if isinstance(item, ExecutionResult):
        if item.succeeded:
            body = ChatResponse.from_result(session_id, started.agent_id, item)
            return "done", body.model_dump(mode="json")
        error = error_body(
            item.error_code or "execution_failed",
            item.error or f"execution {item.status.value}",
            item.execution_id,
            details=item.validation_errors,
        )
        return "error", error
    return None  # StreamStarted comes once, first, and was announced as ``session``


def error_body(
    code: str, message: str, execution_id: str, details: list[Any] | None = None
) -> dict[str, Any]:
    body = ErrorBody(
        error=ErrorDetail(code=code, message=message, details=details, execution_id=execution_id)
    )
    return body.model_dump(exclude_none=True)


def execution_events_response(
    store: ExecutionStore, execution_id: str, after: int
) -> StreamingResponse:
    """The execution's events after seq ``after``, then each one as it is stored, until its
    terminal event (``execution.completed``, ``.failed``, ``.cancelled``, ``.timed_out``)."""
    return StreamingResponse(
        _execution_events(store, execution_id, after),
        media_type=EVENT_STREAM,
        headers=SSE_HEADERS,
    )


async def _execution_events(
    store: ExecutionStore, execution_id: str, after: int
) -> AsyncIterator[bytes]:
    sent_at = time.monotonic()
    try:
        async with aclosing(follow_events(store, execution_id, after)) as batches:
            async for batch in batches:
                now = time.monotonic()
                if batch:
                    yield b"".join(_event_frame(event) for event in batch)
                    sent_at = now
                elif now - sent_at >= KEEP_ALIVE_SECONDS:
                    yield b": keep-alive\n\n"
                    sent_at = now
    except AgentGatewayError as exc:
        # The store went away: say so (without an id, so Last-Event-ID stays the last event
        # sent) and end; the client reconnects and resumes.
        message = getattr(exc, "public_message", None) or str(exc)
        logger.warning(
            "event stream of execution %s stopped: %s%s", execution_id, exc, request_log_tag()
        )
        yield sse_frame(None, "error", error_body(exc.code, message, execution_id))


def _event_frame(event: ExecutionEvent) -> bytes:
    data = dump_json(ExecutionEventOut.from_event(event))
    return f"id: {event.seq}\nevent: {event.type.value}\ndata: {data}\n\n".encode()
