"""A real webhook receiver on 127.0.0.1 that checks Standard Webhooks signatures.

Every request is recorded with its body, headers and whether the reference verifier
(``standardwebhooks.Webhook(secret).verify``) accepted it. ``answer`` scripts the statuses
of the next requests (503 with Retry-After, 404, ...); otherwise it answers 204.
"""

from __future__ import annotations

import asyncio
import base64
import socket
import ssl
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks import Webhook, WebhookVerificationError


def standard_secret(secret: str) -> str:
    """The Standard Webhooks form of a backend secret (a plain one is the raw key)."""
    if secret.startswith("whsec_"):
        return secret
    return "whsec_" + base64.b64encode(secret.encode()).decode()


@dataclass(frozen=True)
class Received:
    path: str
    body: bytes
    headers: dict[str, str]
    verified: bool | None  # None: the receiver has no secret to verify with
    problem: str | None
    peer: tuple[str, int]  # the client's address and port: the same one for a kept connection

    @property
    def json(self) -> Any:
        import json

        return json.loads(self.body)


@dataclass
class _Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class WebhookReceiver:
    """Records POSTs to any path; ``secret`` (a backend secret) turns verification on, and
    a request that fails it is answered 401."""

    def __init__(self, *, secret: str | None = None, ssl_context: ssl.SSLContext | None = None):
        self.secret = secret
        self.requests: list[Received] = []
        self.delay_seconds = 0.0
        self._script: deque[_Answer] = deque()
        self._ssl_context = ssl_context
        self._runner: web.AppRunner | None = None
        self._port = 0

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        scheme = "https" if self._ssl_context else "http"
        return f"{scheme}://127.0.0.1:{self._port}/hook"

    def answer(
        self,
        status: int,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> None:
        """Answer the next ``times`` requests with ``status`` (and ``headers``, ``body``)."""
        for _ in range(times):
            self._script.append(_Answer(status, dict(headers or {}), body))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        await self._runner.setup()
        sock = socket.create_server(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock, ssl_context=self._ssl_context).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {key.lower(): value for key, value in request.headers.items()}
        verified: bool | None = None
        problem = None
        if self.secret is not None:
            try:
                Webhook(standard_secret(self.secret)).verify(body, headers)
                verified = True
            except WebhookVerificationError as exc:
                verified, problem = False, str(exc)
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.requests.append(
            Received(request.path, body, headers, verified, problem, tuple(peer or ("", 0)))
        )
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if verified is False:
            return web.Response(status=401, text=problem or "bad signature")
        if self._script:
            scripted = self._script.popleft()
            return web.Response(
                status=scripted.status, headers=scripted.headers, body=scripted.body
            )
        return web.Response(status=204)
