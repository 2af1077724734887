"""Server-Sent Events, decoded line by line (no I/O here: both clients feed it lines)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

EVENT_STREAM = "text/event-stream"
LAST_EVENT_ID_HEADER = "Last-Event-ID"


def is_event_stream(response: httpx.Response) -> bool:
    """Whether the answer is Server-Sent Events (by its content type)."""
    content_type: str = response.headers.get("content-type", "")
    return content_type.startswith(EVENT_STREAM)


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One event: its ``event`` name (``message`` when the server sent none), its ``data``
    lines joined by newlines, and its ``id``."""

    event: str = "message"
    data: str = ""
    id: str | None = None

    def json(self) -> Any:
        """``data`` parsed as JSON."""
        return json.loads(self.data)


@dataclass(slots=True)
class SSEDecoder:
    """Feed it each line of the stream, without its line ending; an empty line ends an event
    and :meth:`decode` returns it. Comments (``:``) and unknown fields are skipped."""

    _event: str = ""
    _data: list[str] = field(default_factory=list)
    _id: str | None = None
    _last_id: str | None = None

    def decode(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._id = value
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        if self._id is not None:
            self._last_id = self._id
        if not self._data and not self._event:
            self._id = None
            return None
        event = ServerSentEvent(
            event=self._event or "message", data="\n".join(self._data), id=self._last_id
        )
        self._event, self._data, self._id = "", [], None
        return event
