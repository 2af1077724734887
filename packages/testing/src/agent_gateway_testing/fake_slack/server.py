"""A fake Slack Web API on 127.0.0.1: ``chat.postMessage`` answered the way Slack answers."""

from __future__ import annotations

import json
import socket
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from agent_gateway_testing.fake_slack.block_kit import block_kit_problems
from agent_gateway_testing.served import Served

DEFAULT_TOKEN = "xoxb-fake-slack-token"
DEFAULT_CHANNELS = ("#agent-alerts", "#general")
MAX_TEXT_CHARS = 40_000
_POST_MESSAGE = "chat.postMessage"


@dataclass(frozen=True, slots=True)
class ScriptedFailure:
    """An answer the server gives instead of handling a request.

    ``error`` is Slack's code in an ``{"ok": false, "error": ...}`` body; ``None`` sends a
    plain-text error page instead, as a proxy or Slack's edge does with a 5xx.
    """

    status: int = 200
    error: str | None = "internal_error"
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class SlackRequest:
    """One request as the server received it, and what it answered (``ok`` or the code)."""

    method: str
    body: Mapping[str, Any]  # the JSON body, or the form fields with ``blocks`` decoded
    headers: Mapping[str, str]  # case-insensitive, as sent
    outcome: str

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def channel(self) -> str | None:
        channel = self.body.get("channel")
        return channel if isinstance(channel, str) else None

    @property
    def text(self) -> str | None:
        text = self.body.get("text")
        return text if isinstance(text, str) else None

    @property
    def blocks(self) -> Any:
        return self.body.get("blocks")


class FakeSlackServer(Served):
    """Serves ``POST /api/chat.postMessage`` (JSON or form body) like Slack's Web API.

    A request needs ``Authorization: Bearer <token>`` (or a ``token`` field): none is
    ``not_authed``, another token ``invalid_auth``. The channel must be one of ``channels``
    (by name, with or without ``#``, or by the id the server gave it), else
    ``channel_not_found``; ``text`` or ``blocks`` is required (``no_text``); blocks over
    Block Kit's limits are ``invalid_blocks``. An accepted message is answered with ``ok``,
    the channel id, a ``ts`` and the message. Failures queued with :meth:`push` (or
    :meth:`fail_next`, :meth:`rate_limit_next`, :meth:`server_error_next`) answer the next
    requests first, one each. Every request, answered how it may, is kept in
    :attr:`requests`; the accepted ones are :attr:`messages`.

    ``base_url`` is what slack-sdk's clients take: ``http://127.0.0.1:PORT/api/``. Use it as
    ``async with FakeSlackServer() as slack`` or, from sync code,
    ``with FakeSlackServer().running_in_thread() as slack``.
    """

    thread_name = "fake-slack"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = DEFAULT_TOKEN,
        channels: Iterable[str] = DEFAULT_CHANNELS,
    ) -> None:
        self.host = host
        self.token = token
        self.requests: list[SlackRequest] = []
        self._requested_port = port
        self._port: int | None = None
        self._channel_ids: dict[str, str] = {}
        self._failures: deque[ScriptedFailure] = deque()
        self._posted = 0
        self._runner: web.AppRunner | None = None
        for channel in channels:
            self.add_channel(channel)

    # ------------------------------------------------------------------ scripting

    def add_channel(self, name: str) -> str:
        """Make ``name`` (``#alerts`` or ``alerts``) a channel the bot can post to; returns
        its id (``C00000001``)."""
        key = name.lstrip("#")
        if key not in self._channel_ids:
            self._channel_ids[key] = f"C{len(self._channel_ids) + 1:08d}"
        return self._channel_ids[key]

    def channel_id(self, name: str) -> str:
        """The id of a known channel; ``KeyError`` for an unknown one."""
        return self._channel_ids[name.lstrip("#")]

    def push(self, *failures: ScriptedFailure) -> None:
        """Queue answers; each of the next requests takes the oldest."""
        self._failures.extend(failures)

    def fail_next(self, error: str, *, count: int = 1, status: int = 200) -> None:
        """Answer the next ``count`` requests ``{"ok": false, "error": error}``."""
        self.push(*[ScriptedFailure(status=status, error=error)] * count)

    def rate_limit_next(self, count: int = 1, *, retry_after: float = 1) -> None:
        """Answer the next ``count`` requests HTTP 429 ``ratelimited`` with ``Retry-After``."""
        self.push(
            *[ScriptedFailure(status=429, error="ratelimited", retry_after=retry_after)] * count
        )

    def server_error_next(self, count: int = 1, *, status: int = 500) -> None:
        """Answer the next ``count`` requests with an HTTP error page (no JSON)."""
        self.push(*[ScriptedFailure(status=status, error=None)] * count)

    @property
    def pending(self) -> int:
        """Scripted answers not given yet."""
        return len(self._failures)

    @property
    def messages(self) -> list[SlackRequest]:
        """The requests that posted a message."""
        return [request for request in self.requests if request.ok]

    # ------------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeSlackServer is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """The Slack API root for slack-sdk: ``http://127.0.0.1:PORT/api/``."""
        return f"http://{self.host}:{self.port}/api/"

    async def start(self) -> None:
        """Bind and start serving; port 0 picks a free port."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._api_method)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        # Binding the socket ourselves tells us the port that port 0 picked.
        sock = socket.create_server((self.host, self._requested_port))
        await web.SockSite(runner, sock).start()
        self._runner = runner
        self._port = sock.getsockname()[1]

    async def aclose(self) -> None:
        """Stop serving. Idempotent."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # ------------------------------------------------------------------ handlers

    async def _api_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body, body_error = await _read_body(request)
        if self._failures:
            failure = self._failures.popleft()
            outcome = failure.error or f"http_{failure.status}"
            response = _failure_response(failure)
        else:
            outcome, payload = self._answer(method, body, body_error, request.headers)
            response = web.json_response(payload)
        self.requests.append(
            SlackRequest(method=method, body=body, headers=request.headers, outcome=outcome)
        )
        return response

    def _answer(
        self,
        method: str,
        body: dict[str, Any],
        body_error: str | None,
        headers: Mapping[str, str],
    ) -> tuple[str, dict[str, Any]]:
        authorization = headers.get("Authorization", "")
        token = authorization.removeprefix("Bearer ").strip() or body.get("token")
        if not token:
            return _slack_error("not_authed")
        if token != self.token:
            return _slack_error("invalid_auth")
        if method != _POST_MESSAGE:
            return _slack_error("unknown_method")
        if body_error is not None:
            return _slack_error(body_error)
        channel = body.get("channel")
        channel_id = self._resolve(channel) if isinstance(channel, str) else None
        if channel_id is None:
            return _slack_error("channel_not_found")
        text, blocks = body.get("text"), body.get("blocks")
        if not text and not blocks:
            return _slack_error("no_text")
        if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
            return _slack_error("msg_too_long")
        if blocks is not None:
            problems = block_kit_problems(blocks)
            if problems:
                return _slack_error("invalid_blocks", errors=problems)
        self._posted += 1
        ts = f"{int(time.time())}.{self._posted:06d}"
        message = {
            "type": "message",
            "subtype": "bot_message",
            "text": text or "",
            "ts": ts,
            "bot_id": "B00000001",
            "user": "U00000001",
            "team": "T00000001",
        }
        if blocks is not None:
            message["blocks"] = blocks
        return "ok", {"ok": True, "channel": channel_id, "ts": ts, "message": message}

    def _resolve(self, channel: str) -> str | None:
        if channel in self._channel_ids.values():
            return channel
        return self._channel_ids.get(channel.lstrip("#"))


async def _read_body(request: web.Request) -> tuple[dict[str, Any], str | None]:
    """The request's fields, and the Slack error code of a body that cannot be read."""
    if request.content_type == "application/json":
        try:
            body = json.loads(await request.read())
        except ValueError:
            return {}, "invalid_json"
        if not isinstance(body, dict):
            return {}, "json_not_object"
        return body, None
    form = await request.post()
    fields: dict[str, Any] = {key: str(value) for key, value in form.items()}
    if "blocks" in fields:
        try:
            fields["blocks"] = json.loads(fields["blocks"])
        except ValueError:
            return fields, "invalid_blocks_format"
    return fields, None


def _slack_error(code: str, **details: Any) -> tuple[str, dict[str, Any]]:
    return code, {"ok": False, "error": code, **details}


def _failure_response(failure: ScriptedFailure) -> web.Response:
    headers = {} if failure.retry_after is None else {"Retry-After": f"{failure.retry_after:g}"}
    if failure.error is None:
        return web.Response(
            status=failure.status,
            text=f"{failure.status} error (scripted by FakeSlackServer)",
            headers=headers,
        )
    return web.json_response(
        {"ok": False, "error": failure.error}, status=failure.status, headers=headers
    )
