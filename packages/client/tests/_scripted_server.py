"""A tiny HTTP server on 127.0.0.1 that answers from a script and records every request:
for the pipeline's behaviour (retries, Retry-After, hooks, errors) where the gateway cannot
be made to misbehave on cue."""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from agent_gateway_testing.served import Served


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedServer(Served):
    """Answers each request with the next scripted :class:`Answer` (``200 {}`` when none)."""

    thread_name = "scripted-http"

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ssl = ssl_context
        self.received: list[Received] = []
        self._answers: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def script(self, *answers: Answer) -> None:
        with self._lock:
            self._answers.extend(answers)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._answer)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self._ssl).start()
        scheme = "https" if self._ssl else "http"
        self.url = f"{scheme}://127.0.0.1:{self._runner.addresses[0][1]}"

    async def aclose(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        path = request.path_qs
        self.received.append(Received(request.method, path, dict(request.headers), body))
        with self._lock:
            answer = self._answers.popleft() if self._answers else Answer()
        if answer.delay_seconds:
            await asyncio.sleep(answer.delay_seconds)
        if isinstance(answer.body, bytes | str):
            return web.Response(status=answer.status, body=answer.body, headers=answer.headers)
        return web.Response(
            status=answer.status,
            text=json.dumps(answer.body),
            content_type="application/json",
            headers=answer.headers,
        )
