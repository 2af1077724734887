"""A server-sent events decoder for byte chunks cut anywhere, even mid-line."""

from __future__ import annotations


class SSEDecoder:
    """Turns the bytes of an ``text/event-stream`` into the ``data`` of each complete event.

    Lines end in ``\\n`` or ``\\r\\n``; an event ends at a blank line and its ``data:`` lines
    are joined with ``\\n``. Comments and the other fields (``event``, ``id``, ``retry``) carry
    nothing a chat completion needs and are skipped.
    """

    __slots__ = ("_data", "_pending")

    def __init__(self) -> None:
        self._pending = b""  # the start of a line whose end has not arrived yet
        self._data: list[bytes] = []  # data lines of the event being read

    def feed(self, chunk: bytes) -> list[bytes]:
        """Take the next bytes; return the data of every event they complete, in order."""
        buffer = self._pending + chunk if self._pending else chunk
        end = buffer.rfind(b"\n")
        if end < 0:
            self._pending = buffer
            return []
        self._pending = buffer[end + 1 :]
        events: list[bytes] = []
        for line in buffer[:end].split(b"\n"):
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line:
                if self._data:
                    events.append(self._data[0] if len(self._data) == 1 else b"\n".join(self._data))
                    self._data = []
            elif line.startswith(b"data:"):
                value = line[5:]
                self._data.append(value[1:] if value.startswith(b" ") else value)
        return events
