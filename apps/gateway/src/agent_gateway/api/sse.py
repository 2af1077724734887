"""Server-Sent Events: a streamed chat turn as ``session``, ``delta``, ``tool_call``,
``tool_result`` and finally ``done`` (the result) or ``error`` (the standard error body).

Each event has an ``id:`` counting from 1 and an ``event:`` name; ``data:`` is one line of
JSON.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi.responses import StreamingResponse

from agent_gateway.api.errors import ErrorBody, ErrorDetail
from agent_gateway.api.schemas import ChatResponse
from agent_gateway_core.domain.execution import ExecutionResult
from agent_gateway_core.engine.request import (
    StreamDelta,
    StreamItem,
    StreamStarted,
    StreamToolCall,
    StreamToolResult,
)
from agent_gateway_core.errors import AgentGatewayError

logger = logging.getLogger("agent_gateway.api")

EVENT_STREAM = "text/event-stream"
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def wants_event_stream(accept: str | None) -> bool:
    """Whether an ``Accept`` header asks for Server-Sent Events."""
    return accept is not None and EVENT_STREAM in accept.lower()


def sse_frame(event_id: int, event: str, data: Any) -> bytes:
    payload = json.dumps(data, separators=(",", ":"), default=str)
    return f"id: {event_id}\nevent: {event}\ndata: {payload}\n\n".encode()


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
            logger.warning("chat stream of execution %s failed: %s", started.execution_id, exc)
        yield sse_frame(next(ids), "error", _error_body(exc.code, message, started.execution_id))
    except Exception:
        logger.exception("chat stream of execution %s failed", started.execution_id)
        yield sse_frame(
            next(ids),
            "error",
            _error_body("internal_error", "internal server error", started.execution_id),
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
        error = _error_body(
            item.error_code or "execution_failed",
            item.error or f"execution {item.status.value}",
            item.execution_id,
            details=item.validation_errors,
        )
        return "error", error
    return None  # StreamStarted comes once, first, and was announced as ``session``


def _error_body(
    code: str, message: str, execution_id: str, details: list[Any] | None = None
) -> dict[str, Any]:
    body = ErrorBody(
        error=ErrorDetail(code=code, message=message, details=details, execution_id=execution_id)
    )
    return body.model_dump(exclude_none=True)
