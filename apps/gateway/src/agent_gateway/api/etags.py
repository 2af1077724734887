"""Conditional GETs of the catalog: a strong ``ETag`` per answer, ``If-None-Match`` → 304.

The catalog's answers (agents, tools, skills, setup schemas) change only when the runtime's
revision does, so each is serialized and hashed once per revision (see
:meth:`~agent_gateway.api.catalog.Catalog.representation`). The ``ETag`` is a hash of the
body, so it changes exactly when the body does: after a reload that changed what a route
shows, a schema or tool registered in code, or an MCP server's tools changing, and not after
a reload that changed nothing it shows. ``Cache-Control: private, no-cache`` lets a client
(never a shared cache) keep the answer and revalidate it on every use.

Executions and sessions change as they are read: they get neither header.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

CACHE_CONTROL = "private, no-cache"

CATALOG_CACHING = (
    "Answers with a strong `ETag` (a hash of the body) and `Cache-Control: private, "
    "no-cache`; send it back in `If-None-Match` to get 304, without a body, while it holds."
)
"""The sentence each conditional route's description carries."""

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "`If-None-Match` names the current ETag: nothing changed."}
}

# An entity-tag (RFC 9110 §8.8.3), weak or strong: its opaque part, quotes included.
_ENTITY_TAG = re.compile(r'(?:W/)?("[^"]*")')


@dataclass(frozen=True, slots=True)
class Representation:
    """A JSON answer, serialized once, and its strong ``ETag``."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: str | bytes) -> Representation:
        data = body.encode() if isinstance(body, str) else body
        return cls(body=data, etag=f'"{hashlib.sha256(data).hexdigest()[:32]}"')


def conditional_response(request: Request, representation: Representation) -> Response:
    """200 with the body, or 304 without it when ``If-None-Match`` names its ETag (or is
    ``*``); both carry ``ETag`` and ``Cache-Control``."""
    headers = {"ETag": representation.etag, "Cache-Control": CACHE_CONTROL}
    if not_modified(request.headers.get("if-none-match"), representation.etag):
        return Response(status_code=304, headers=headers)
    return Response(representation.body, media_type="application/json", headers=headers)


def not_modified(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (by weak comparison, as RFC 9110
    §13.1.2 asks: ``W/"x"`` matches ``"x"``) or is ``*``, so the answer is 304."""
    if header is None:
        return False
    return header.strip() == "*" or etag in _ENTITY_TAG.findall(header)
