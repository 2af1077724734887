"""Limits on what a client sends: body size, JSON nesting and breadth, Unicode, query values.

Each configurable limit is a ``server:`` setting and each breach is answered with the standard
error body, its message naming the limit and the setting:

- the body size (``server.max_request_body_bytes``): 413 ``request_too_large``, enforced by the
  outer middleware before anything parses the body, by ``Content-Length`` and by counting what
  arrives;
- JSON nesting (``server.max_json_depth``, counted in the values of a body: the body object
  itself is not a level), the keys of one object (``server.max_json_object_keys``) and the
  items of one array (``server.max_json_array_items``): 422 ``request_validation_error``;
- strings that are not Unicode text (a lone surrogate, ``"\\ud800"``): 422, wherever in a body.

JSON bodies are checked where a route reads them: DirectRoute bodies in
:func:`agent_gateway.api.direct.json_body`, other routes by :class:`LimitedRoute`. An ordinary
body costs a few byte counts (C speed) that show it cannot break a limit; only a body that
might is measured, and parsed, for them.

Query values are strict (:data:`Offset`, :data:`After`, :data:`DIGITS_ONLY`, :data:`Since`):
digits only for numbers (``5.0``, `` 5`` and ``5_000`` are refused), ISO 8601 for date-times (a
bare number is ambiguous), and offsets at most 2^31-1 so no store overflows on them.
"""

from __future__ import annotations

import email.message
import json
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import AfterValidator, BeforeValidator
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent_gateway.settings import DEFAULT_MAX_BODY_BYTES, ServerSettings
from agent_gateway_core.json_nesting import DEFAULT_MAX_JSON_DEPTH, nesting_exceeds

MAX_OFFSET = 2**31 - 1
"""The largest ``offset`` or ``after`` a paginated route accepts."""

# An escape or the UTF-8 form (CESU-8, not valid UTF-8) of a UTF-16 surrogate: only a body
# holding one of these can hold a string that is not Unicode text once parsed.
_MAY_HOLD_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestLimits:
    """The limits of one started gateway (``server:`` in gateway.yaml)."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH
    max_object_keys: int = 1_000
    max_array_items: int = 10_000

    @classmethod
    def from_settings(cls, server: ServerSettings) -> RequestLimits:
        return cls(
            max_body_bytes=server.max_request_body_bytes,
            max_json_depth=server.max_json_depth,
            max_object_keys=server.max_json_object_keys,
            max_array_items=server.max_json_array_items,
        )

    def json_problem(self, raw: bytes, *, text_checked: bool = False) -> dict[str, Any] | None:
        """What in the JSON body ``raw`` breaks a limit, as one validation error (FastAPI's
        ``type``/``loc``/``msg``); ``None`` when nothing does, or when ``raw`` is not JSON at
        all (the parser then says what is wrong with it).

        ``text_checked``: pydantic's JSON parser already accepted ``raw``, and it refuses lone
        surrogates, so only nesting and breadth remain to check.
        """
        if not text_checked and b"\x00" in raw:  # UTF-16 or UTF-32: measure it as UTF-8
            try:
                raw = raw.decode(json.detect_encoding(raw), "surrogatepass").encode(
                    "utf-8", "surrogatepass"
                )
            except UnicodeError:
                return None  # not text: the parser answers 400
        # Only what a body this long could break is counted: ``n`` levels take ``2n`` bytes,
        # ``n`` keys at least ``5n`` (``"":0,``) and ``n`` items ``2n`` (``0,``).
        size = len(raw)
        levels = self.max_json_depth + 1  # the body object itself is not a level
        deep = size > 2 * levels and raw.count(b"[") + raw.count(b"{") > levels
        broad = (size > 5 * self.max_object_keys and raw.count(b":") > self.max_object_keys) or (
            size > 2 * self.max_array_items and raw.count(b",") >= self.max_array_items
        )
        strange = not text_checked and _MAY_HOLD_SURROGATE.search(raw) is not None
        if deep and nesting_exceeds(raw, levels):
            return self._too_deep()
        if not (broad or strange):
            return None
        try:
            document = json.loads(raw)  # not deeper than the limit: no recursion to fear
        except ValueError:
            return None
        except RecursionError:  # cannot happen once measured; never a 500 if it did
            return self._too_deep()
        return self._value_problem(document)

    def _too_deep(self) -> dict[str, Any]:
        return _error(
            "json_too_deep",
            ("body",),
            f"JSON nested more than {self.max_json_depth} levels deep "
            "(limit: server.max_json_depth)",
        )

    def _value_problem(self, document: Any) -> dict[str, Any] | None:
        """The first object, array or string of ``document`` that breaks a limit."""
        pending: list[tuple[Any, tuple[str | int, ...]]] = [(document, ("body",))]
        while pending:
            value, loc = pending.pop()
            if isinstance(value, dict):
                if len(value) > self.max_object_keys:
                    return _error(
                        "json_object_too_large",
                        loc,
                        f"object has {len(value)} keys, more than {self.max_object_keys} "
                        "(limit: server.max_json_object_keys)",
                    )
                for key, item in value.items():
                    if not key.isascii() and not is_unicode_text(key):
                        return _not_text((*loc, printable(key)))
                    pending.append((item, (*loc, key)))
            elif isinstance(value, list):
                if len(value) > self.max_array_items:
                    return _error(
                        "json_array_too_large",
                        loc,
                        f"array has {len(value)} items, more than {self.max_array_items} "
                        "(limit: server.max_json_array_items)",
                    )
                pending.extend((item, (*loc, index)) for index, item in enumerate(value))
            elif isinstance(value, str) and not value.isascii() and not is_unicode_text(value):
                return _not_text(loc)
        return None


def is_unicode_text(text: str) -> bool:
    """Whether ``text`` holds only Unicode scalar values (no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, so it can be sent back."""
    return _SURROGATE.sub("\ufffd", text)


def _error(kind: str, loc: tuple[str | int, ...], message: str) -> dict[str, Any]:
    return {"type": kind, "loc": loc, "msg": message}


def _not_text(loc: tuple[str | int, ...]) -> dict[str, Any]:
    return _error(
        "string_not_unicode",
        loc,
        "String should be Unicode text: it holds a lone surrogate (U+D800 to U+DFFF), "
        "which is not a character",
    )


class RequestTooLarge(StarletteHTTPException):
    """A body over ``server.max_request_body_bytes``: raised while it is being read, answered
    413 ``request_too_large`` by the HTTP error handler."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"request body larger than {limit} bytes (limit: server.max_request_body_bytes)"


def is_json_content_type(content_type: str | None) -> bool:
    """Whether FastAPI reads a body of this content type as JSON (``application/json`` or
    ``application/*+json``)."""
    if content_type == "application/json":  # nearly always: skip the parsing
        return True
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


class LimitedRoute(APIRoute):
    """An APIRoute whose JSON body is checked against the gateway's :class:`RequestLimits`
    before FastAPI parses it (FastAPI would fail on a body nested ~1,000 levels deep, and
    accept a lone surrogate that no store or response can encode)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def checked(request: Request) -> Response:
            services = getattr(request.app.state, "services", None)
            if services is not None and is_json_content_type(request.headers.get("content-type")):
                limits: RequestLimits = services.http_policy.limits
                problem = limits.json_problem(await request.body())  # FastAPI reuses the bytes
                if problem is not None:
                    raise RequestValidationError([problem])
            return await handler(request)

        return checked


# ---------------------------------------------------------------- strict query values


def _digits_only(value: Any) -> Any:
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("must be a whole number written in digits 0-9")
    return value


_BARE_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _iso_8601_text(value: Any) -> Any:
    if isinstance(value, str) and _BARE_NUMBER.fullmatch(value.strip()):
        raise ValueError(
            "must be an ISO 8601 date-time such as 2024-05-01T12:00:00Z; a bare number is "
            "ambiguous (seconds or milliseconds since 1970?)"
        )
    return value


def _in_utc(value: datetime | None) -> datetime | None:
    """Naive means UTC; an aware date-time is converted, refused if UTC cannot hold it."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("is out of range once converted to UTC") from exc


DIGITS_ONLY = BeforeValidator(_digits_only)
"""Put on a query integer: ``Annotated[int, Query(ge=1, le=200), DIGITS_ONLY]``."""

Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="Skip this many items."), DIGITS_ONLY
]
"""A paginated route's ``offset``."""

After = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="Only events with a greater seq."), DIGITS_ONLY
]
"""The ``after`` cursor of an event log."""

Since = Annotated[
    datetime | None,
    Query(description="Created at or after (ISO 8601; UTC if no offset)."),
    BeforeValidator(_iso_8601_text),
    AfterValidator(_in_utc),
]
"""A date-time filter, in UTC."""
