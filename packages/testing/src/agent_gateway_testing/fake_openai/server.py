"""A fake OpenAI-compatible HTTP server on 127.0.0.1, scripted like :class:`ScriptedLLM`."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from aiohttp import web

from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_testing.fake_openai import wire
from agent_gateway_testing.served import Served

Responder = Callable[[dict[str, Any]], ScriptedReply]

_JSON = "application/json"
# Connections waiting to be accepted; the kernel caps it at net.core.somaxconn.
ACCEPT_BACKLOG = 4096


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One chat-completions request as the server received it."""

    body: dict[str, Any]
    headers: Mapping[str, str]  # case-insensitive, as sent


class FakeOpenAIServer(Served):
    """Serves ``POST /v1/chat/completions`` (JSON and SSE) and ``GET /v1/models``.

    Replies come from a FIFO queue filled with :meth:`push`; when it is empty, ``responder``
    (a callable of the request body) answers, or else the last user message is echoed.
    ``latency_seconds`` is added to every completion. Every completion request is kept in
    :attr:`requests` unless ``record_requests`` is false (long benchmark runs). With
    ``arrivals_log``, each completion request also appends ``<unix time>\t<last user message>``
    to that file as it arrives, one flushed line each, for a benchmark that times when each
    submitted message reached the model. Use it as ``async with FakeOpenAIServer() as server`` or, from sync code,
    ``with FakeOpenAIServer().running_in_thread() as server``.
    """

    thread_name = "fake-openai"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_seconds: float = 0.0,
        responder: Responder | None = None,
        models: tuple[str, ...] = ("fake-model",),
        stream_chunk_chars: int = 4,
        record_requests: bool = True,
        arrivals_log: Path | None = None,
    ) -> None:
        self.host = host
        self.latency_seconds = latency_seconds
        self.requests: list[RecordedRequest] = []
        # Requests whose client went away while they waited (delay or hang): a client that
        # cancels or times out a call must close its HTTP request, and this counts it.
        self.abandoned_requests = 0
        self._requested_port = port
        self._port: int | None = None
        self._responder = responder
        self._models = models
        self._chunk_chars = stream_chunk_chars
        self._record = record_requests
        self._arrivals_path = arrivals_log
        self._arrivals: TextIO | None = None
        self._replies: deque[ScriptedReply] = deque()
        self._runner: web.AppRunner | None = None
        self._closing: asyncio.Event | None = None

    # ------------------------------------------------------------------ scripting

    def push(self, *replies: ScriptedReply) -> None:
        """Queue replies; each completion request takes the oldest."""
        self._replies.extend(replies)

    @property
    def pending(self) -> int:
        return len(self._replies)

    # ------------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeOpenAIServer is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """The OpenAI ``base_url``: ``http://127.0.0.1:PORT/v1``."""
        return f"http://{self.host}:{self.port}/v1"

    async def start(self) -> None:
        """Bind and start serving; port 0 picks a free port."""
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat_completions)
        app.router.add_get("/v1/models", self._list_models)
        self._closing = asyncio.Event()
        # No access log: the server is the zero-latency model of the benchmarks.
        runner = web.AppRunner(
            app,
            access_log=None,
            handle_signals=False,
            shutdown_timeout=1.0,
            handler_cancellation=True,
        )
        await runner.setup()
        if self._arrivals_path is not None:
            # Line-buffered: each arrival reaches the file even if the server is killed.
            self._arrivals = self._arrivals_path.open("a", buffering=1, encoding="utf-8")
        # Binding the socket ourselves tells us the port that port 0 picked. The backlog is
        # the kernel's cap, not Python's 128: with a burst of hundreds of new connections, a
        # full accept queue drops SYNs, and each dropped one costs its client a 1 s retransmit.
        sock = socket.create_server((self.host, self._requested_port), backlog=ACCEPT_BACKLOG)
        await web.SockSite(runner, sock, backlog=ACCEPT_BACKLOG).start()
        self._runner = runner
        self._port = sock.getsockname()[1]

    async def aclose(self) -> None:
        """Stop serving; requests that hang are answered with 503 first. Idempotent."""
        if self._closing is not None:
            self._closing.set()
        if self._arrivals is not None:
            arrivals, self._arrivals = self._arrivals, None
            arrivals.close()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # ------------------------------------------------------------------ handlers

    async def _list_models(self, request: web.Request) -> web.Response:
        return web.Response(body=wire.models_body(self._models), content_type=_JSON)

    async def _chat_completions(self, request: web.Request) -> web.StreamResponse:
        try:
            body = json.loads(await request.read())
        except ValueError as exc:
            return _error(400, f"request body is not valid JSON: {exc}")
        problem = _request_problem(body)
        if problem:
            return _error(400, problem)
        if self._record:
            self.requests.append(RecordedRequest(body=body, headers=request.headers))
        if self._arrivals is not None:
            text = wire.last_user_text(body["messages"]).replace("\n", " ")
            self._arrivals.write(f"{time.time():.6f}\t{text}\n")

        reply = self._next_reply(body)
        wait = self.latency_seconds + reply.delay_seconds
        try:
            if wait > 0:
                await asyncio.sleep(wait)
            if reply.hang:
                assert self._closing is not None
                await self._closing.wait()
                return _error(503, "fake server shut down while the request hung")
        except asyncio.CancelledError:
            # aiohttp cancels the handler when the client disconnects (handler_cancellation).
            self.abandoned_requests += 1
            raise
        if reply.status != 200:
            return _scripted_error(reply)

        model: str = body["model"]
        if not body.get("stream"):
            return web.Response(body=wire.completion_body(reply, model), content_type=_JSON)
        stream_options = body.get("stream_options") or {}
        payload = wire.stream_body(
            reply,
            model,
            include_usage=bool(stream_options.get("include_usage")),
            chunk_chars=self._chunk_chars,
        )
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        await response.write(payload)
        await response.write_eof()
        return response

    def _next_reply(self, body: dict[str, Any]) -> ScriptedReply:
        if self._replies:
            return self._replies.popleft()
        if self._responder is not None:
            return self._responder(body)
        return ScriptedReply(content=f"echo: {wire.last_user_text(body['messages'])}")


def _request_problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "'model' is required and must be a non-empty string"
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        return "'messages' is required and must be a non-empty array"
    return None


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status, body=wire.error_body(status, message), content_type=_JSON, headers=headers
    )


def _scripted_error(reply: ScriptedReply) -> web.Response:
    headers: dict[str, str] = {}
    if reply.retry_after is not None:
        headers["Retry-After"] = f"{reply.retry_after:g}"
        headers["retry-after-ms"] = str(round(reply.retry_after * 1000))
    return _error(reply.status, reply.error_message, headers)
