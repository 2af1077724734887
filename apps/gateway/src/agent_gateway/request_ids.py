"""``X-Request-ID``: one id per HTTP request, echoed from the client or made here.

The outermost middleware picks the id as the request comes in (the client's, when it sent a
usable one, else a new one), answers with it in ``X-Request-ID`` (every answer, errors and
streams included), and holds it in :func:`current_request_id` while the request is served,
so the log lines of a failed request name it (and a client quoting the id from a failed
answer points at them). A usable id is 1 to 128 visible ASCII characters (no spaces): it is
written into logs as it is.
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar, Token

REQUEST_ID_HEADER = "X-Request-ID"
MAX_REQUEST_ID_LENGTH = 128

_HEADER_KEY = REQUEST_ID_HEADER.lower().encode()
_USABLE = re.compile(rb"[\x21-\x7e]{1,%d}" % MAX_REQUEST_ID_LENGTH)
_current: ContextVar[str | None] = ContextVar("agent_gateway_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the HTTP request being served in this context; ``None`` outside one."""
    return _current.get()


def request_id_of(headers: list[tuple[bytes, bytes]]) -> str:
    """The client's ``X-Request-ID`` if it is usable, else a new id (32 hex characters)."""
    for name, value in headers:
        if name == _HEADER_KEY:
            if _USABLE.fullmatch(value):
                return value.decode("ascii")
            break
    return secrets.token_hex(16)


def request_log_tag() -> str:
    """`` [request <id>]``, for the log line of a failed request (empty outside one)."""
    request_id = current_request_id()
    return f" [request {request_id}]" if request_id else ""


def bind_request_id(request_id: str) -> Token[str | None]:
    """Make ``request_id`` the current one, until :func:`unbind_request_id` with the token."""
    return _current.set(request_id)


def unbind_request_id(token: Token[str | None]) -> None:
    _current.reset(token)
