"""ASGI middleware in front of the test server's HTTP app: credential checks, and the
2025-era answer to ``server/discover`` when the server plays a legacy server."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class HttpGuard:
    """Rejects requests without an accepted credential (401), and with ``legacy`` answers
    ``server/discover`` as a 2025-era SDK does (400 with a JSON-RPC error), so the client
    falls back to the ``initialize`` handshake.

    A request is accepted when no credential is configured, or when it carries
    ``Authorization: Bearer <one of bearer_tokens>`` or ``<api_key_header>: <one of api_keys>``.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        bearer_tokens: frozenset[str] = frozenset(),
        api_key_header: str = "X-API-Key",
        api_keys: frozenset[str] = frozenset(),
        legacy: bool = False,
    ) -> None:
        self._app = app
        self._bearer_tokens = bearer_tokens
        self._api_key_header = api_key_header.lower().encode("latin-1")
        self._api_keys = api_keys
        self._legacy = legacy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        if not self._authorized(dict(scope["headers"])):
            await _respond(send, 401, {"error": "unauthorized"}, [(b"www-authenticate", b"Bearer")])
            return
        if self._legacy and scope["method"] == "POST":
            body = await _read_body(receive)
            message = _json_or_none(body)
            if isinstance(message, dict) and message.get("method") == "server/discover":
                error = {"code": -32600, "message": "Bad Request: Missing session ID"}
                await _respond(
                    send, 400, {"jsonrpc": "2.0", "id": message.get("id"), "error": error}
                )
                return
            receive = _replaying(body, receive)
        await self._app(scope, receive, send)

    def _authorized(self, headers: dict[bytes, bytes]) -> bool:
        if not self._bearer_tokens and not self._api_keys:
            return True
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token in self._bearer_tokens:
            return True
        return headers.get(self._api_key_header, b"").decode("latin-1") in self._api_keys


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the already-read body to the app, then passes on what the
    server's own says next (the disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


async def _respond(
    send: Send, status: int, payload: Any, extra_headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": headers + (extra_headers or []),
        }
    )
    await send({"type": "http.response.body", "body": body})
