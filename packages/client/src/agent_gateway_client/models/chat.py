"""A chat turn's result, and the typed events of a streamed turn."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from agent_gateway_client.models._base import GatewayModel, Usage


class ChatResult(GatewayModel):
    """One finished chat turn; continue the chat with its ``session_id``. ``replayed`` is
    true when the server answered with an earlier turn sent with the same Idempotency-Key."""

    session_id: str
    execution_id: str
    agent_id: str = ""
    status: str
    raw_text: str = ""
    output: Any = None
    stop_reason: str | None = None
    usage: Usage = Field(default_factory=Usage)
    duration_ms: int = 0
    replayed: bool = False


class ErrorInfo(GatewayModel):
    """The standard error body's ``error``."""

    code: str
    message: str
    details: list[Any] | None = None
    execution_id: str | None = None


class ChatEvent(GatewayModel):
    """An event of a streamed chat turn; ``type`` is its name and ``event_id`` its id in the
    stream. An event type this client does not know arrives as a plain ``ChatEvent`` with its
    fields as attributes."""

    type: str
    event_id: str | None = None


class SessionEvent(ChatEvent):
    """First: the session (new or continued) and the turn's execution."""

    type: Literal["session"] = "session"
    session_id: str
    execution_id: str
    agent_id: str = ""


class DeltaEvent(ChatEvent):
    """A piece of the answer's text."""

    type: Literal["delta"] = "delta"
    text: str


class ToolCallEvent(ChatEvent):
    """The model asked for a tool call (``id`` is the call's id)."""

    type: Literal["tool_call"] = "tool_call"
    id: str
    name: str
    arguments: dict[str, Any] = {}


class ToolResultEvent(ChatEvent):
    """A tool call's outcome."""

    type: Literal["tool_result"] = "tool_result"
    call_id: str
    name: str
    success: bool
    output: Any = None
    error: str | None = None
    duration_ms: int = 0


class DoneEvent(ChatEvent):
    """Last, on success: the turn's result (the same as ``chat.send`` returns)."""

    type: Literal["done"] = "done"
    result: ChatResult


class ErrorEvent(ChatEvent):
    """Last, on failure: the standard error body."""

    type: Literal["error"] = "error"
    error: ErrorInfo


ChatStreamEvent = (
    SessionEvent | DeltaEvent | ToolCallEvent | ToolResultEvent | DoneEvent | ErrorEvent | ChatEvent
)
"""What ``chat.stream`` yields: narrow it with ``isinstance`` (or read ``type``)."""

_EVENT_TYPES: dict[str, type[ChatEvent]] = {
    "session": SessionEvent,
    "delta": DeltaEvent,
    "tool_call": ToolCallEvent,
    "tool_result": ToolResultEvent,
}


def chat_event(name: str, data: Any, event_id: str | None) -> ChatStreamEvent:
    """The typed event for an SSE event ``name`` with JSON ``data``."""
    if name == "done":
        return DoneEvent(result=ChatResult.model_validate(data), event_id=event_id)
    if name == "error":
        error = data.get("error", data) if isinstance(data, dict) else {"message": str(data)}
        return ErrorEvent(error=ErrorInfo.model_validate(error), event_id=event_id)
    fields = data if isinstance(data, dict) else {"data": data}
    event_type = _EVENT_TYPES.get(name)
    if event_type is None:
        return ChatEvent.model_validate({**fields, "type": name, "event_id": event_id})
    return event_type.model_validate({**fields, "event_id": event_id})
