"""``MockGateway``: a fake gateway inside an httpx transport, for tests of code that uses the
client. It serves both clients (``transport=gateway``), records every request, and answers
from two sources, checked in this order:

1. canned answers, per method and path (``add_response``, ``add_error``);
2. fake agents (``add_agent``): a function ``(agent_id, message, input) -> text or output``
   behind the agent routes (list, describe, invoke sync and async, chat as JSON or as
   events, idempotency keys and tracking labels), and the executions they leave (list, get,
   events).

Anything else answers 404 with the standard error body, naming what to add.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import httpx

from agent_gateway_client.testing import _answers as wire

if TYPE_CHECKING:
    from agent_gateway_client import GatewayClient, GatewayClientSync

AgentFunction = Callable[[str, str, dict[str, Any]], Any]
"""A fake agent: called with the agent's id, the message and the input; it returns the
answer's text (a ``str``) or its structured output (anything JSON can hold, or a pydantic
model). What it raises makes the execution fail (502 ``execution_failed``)."""

_TEMPLATE = re.compile(r"\{[^/{}]+\}")
_AGENT = re.compile(r"/v1/agents/(?P<agent>[^/]+)")
_RUN = re.compile(r"/v1/agents/(?P<agent>[^/]+)/(?P<route>invoke|chat)")
_EXECUTION = re.compile(r"/v1/executions/(?P<id>[^/]+)")
_EVENTS = re.compile(r"/v1/executions/(?P<id>[^/]+)/events")


@dataclass(frozen=True, slots=True)
class MockRequest:
    """A request the mock received: ``json`` is its body parsed (``None`` if it had none)."""

    method: str
    path: str
    params: dict[str, str]
    headers: httpx.Headers
    json: Any


@dataclass(frozen=True, slots=True)
class AgentCall:
    """A run of a fake agent (an invoke or a chat turn; a replayed request runs nothing)."""

    agent_id: str
    message: str
    input: dict[str, Any]
    route: Literal["invoke", "chat"]
    execution_id: str
    session_id: str | None
    tracking: str | None
    idempotency_key: str | None


@dataclass(frozen=True, slots=True)
class _Canned:
    status: int
    content: bytes
    headers: dict[str, str]


@dataclass(slots=True)
class _Agent:
    reply: AgentFunction
    description: dict[str, Any]


class MockGateway(httpx.MockTransport):
    """A fake gateway for both clients: ``GatewayClient(MockGateway.URL, transport=gateway)``,
    or :meth:`client` / :meth:`sync_client`. ``requests`` holds every request received,
    ``calls`` every run of a fake agent, ``executions`` the executions by id. Safe to use
    from several threads (a sync batch): requests are answered one at a time, fake agents
    included, so it is no place to measure concurrency."""

    URL = "http://gateway.test"

    def __init__(self) -> None:
        super().__init__(self._handle)
        self.requests: list[MockRequest] = []
        self.calls: list[AgentCall] = []
        self.executions: dict[str, dict[str, Any]] = {}
        self._agents: dict[str, _Agent] = {}
        self._canned: list[tuple[str, re.Pattern[str], deque[_Canned]]] = []
        self._keys: dict[tuple[str, str], tuple[str, str]] = {}
        self._sessions: set[str] = set()
        self._ids = itertools.count(1)
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ scripting

    def add_agent(
        self,
        agent_id: str,
        reply: AgentFunction | str | None = None,
        *,
        description: str = "",
        execution_mode: Literal["sync", "async"] = "sync",
        input_schema: dict[str, Any] | None = None,
        output_schema: dict[str, Any] | None = None,
    ) -> None:
        """A fake agent: ``reply`` is its function, or the text it always answers (by
        default it echoes ``echo: <message>``). An ``async`` agent answers invokes 202
        (its execution is already done when polled)."""
        if reply is None:
            function: AgentFunction = lambda _agent, message, _input: f"echo: {message}"  # noqa: E731
        elif isinstance(reply, str):
            text = reply
            function = lambda _agent, _message, _input: text  # noqa: E731
        else:
            function = reply
        fields = {
            "id": agent_id,
            "display_name": agent_id,
            "description": description,
            "execution_mode": execution_mode,
            "enabled": True,
            "has_input_schema": input_schema is not None,
            "has_output_schema": output_schema is not None,
        }
        detail = {**fields, "input_schema": input_schema, "output_schema": output_schema}
        with self._lock:
            self._agents[agent_id] = _Agent(function, detail)

    def add_response(
        self,
        method: str,
        path: str,
        *,
        status: int = 200,
        json: Any = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer ``method`` ``path`` (``{name}`` matches one path segment) with ``json``
        (or ``content``). Answers added for one route are given in order, and the last one
        keeps being given: add a 503 then a 200 to test a retry."""
        if content is None:
            body = b"" if json is None and status == 204 else wire.dump(json)
            kind = {"Content-Type": "application/json"}
        else:
            body = content.encode() if isinstance(content, str) else content
            kind = {}
        canned = _Canned(status, body, {**kind, **(headers or {})})
        pattern = re.compile(
            "".join(
                re.escape(part) if index % 2 == 0 else "[^/]+"
                for index, part in enumerate(_split_template(path))
            )
        )
        with self._lock:
            for known_method, known, answers in self._canned:
                if known_method == method.upper() and known.pattern == pattern.pattern:
                    answers.append(canned)
                    return
            self._canned.append((method.upper(), pattern, deque([canned])))

    def add_error(
        self,
        method: str,
        path: str,
        status: int,
        *,
        code: str = "mock_error",
        message: str = "an error scripted by MockGateway",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer ``method`` ``path`` with the standard error body (the client raises the
        error class of ``status``); ``headers`` such as ``Retry-After``."""
        body = {"error": {"code": code, "message": message}}
        self.add_response(method, path, status=status, json=body, headers=headers)

    def requests_to(self, method: str, path: str) -> list[MockRequest]:
        """The requests received for ``method`` ``path`` (exactly)."""
        return [r for r in self.requests if r.method == method.upper() and r.path == path]

    # ------------------------------------------------------------------ clients

    def client(self, **options: Any) -> GatewayClient:
        """A :class:`GatewayClient` of this mock (``options`` as the client takes them)."""
        from agent_gateway_client import GatewayClient

        return GatewayClient(**self._settings(options), transport=self)

    def sync_client(self, **options: Any) -> GatewayClientSync:
        """A :class:`GatewayClientSync` of this mock."""
        from agent_gateway_client import GatewayClientSync

        return GatewayClientSync(**self._settings(options), transport=self)

    def _settings(self, options: dict[str, Any]) -> dict[str, Any]:
        settings = {"base_url": self.URL, "api_key": "sk-mock", "backoff_base": 0.01}
        return {**settings, "backoff_max": 0.05, **options}

    # ------------------------------------------------------------------ serving

    def _handle(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            recorded = _record(request)
            self.requests.append(recorded)
            canned = self._canned_answer(recorded)
            if canned is not None:
                return httpx.Response(canned.status, content=canned.content, headers=canned.headers)
            return self._serve(recorded, request)

    def _canned_answer(self, request: MockRequest) -> _Canned | None:
        for method, pattern, answers in self._canned:
            if method == request.method and pattern.fullmatch(request.path):
                return answers.popleft() if len(answers) > 1 else answers[0]
        return None

    def _serve(self, request: MockRequest, raw: httpx.Request) -> httpx.Response:
        method, path = request.method, request.path
        if method == "GET" and path == "/v1/agents":
            listed = [wire.listed(agent.description) for agent in self._agents.values()]
            return wire.json_answer(listed)
        if method == "GET" and (match := _AGENT.fullmatch(path)):
            agent = self._agents.get(match["agent"])
            if agent is None:
                return self._no_agent(match["agent"])
            return wire.json_answer(agent.description)
        if method == "POST" and (match := _RUN.fullmatch(path)):
            return self._run(request, raw, match["agent"], match["route"])
        if method == "GET" and path == "/v1/executions":
            return self._list_executions(request.params)
        if method == "GET" and (match := _EXECUTION.fullmatch(path)):
            execution = self.executions.get(match["id"])
            return (
                wire.json_answer(execution)
                if execution
                else wire.not_found("execution", match["id"])
            )
        if method == "GET" and (match := _EVENTS.fullmatch(path)):
            execution = self.executions.get(match["id"])
            if execution is None:
                return wire.not_found("execution", match["id"])
            return wire.json_answer(
                [
                    e
                    for e in wire.events(execution)
                    if e["seq"] > int(request.params.get("after", 0))
                ]
            )
        return wire.error(
            404,
            "not_found",
            f"MockGateway has no answer for {method} {path}: add_response() or add_agent()",
        )

    def _run(
        self, request: MockRequest, raw: httpx.Request, agent_id: str, route: str
    ) -> httpx.Response:
        agent = self._agents.get(agent_id)
        if agent is None:
            return self._no_agent(agent_id)
        body = request.json if isinstance(request.json, dict) else {}
        key = request.headers.get("idempotency-key")
        fingerprint = wire.fingerprint(agent_id, {k: v for k, v in body.items() if k != "stream"})
        streamed = bool(body.get("stream")) or "text/event-stream" in raw.headers.get("accept", "")
        if key is not None and (route, key) in self._keys:
            earlier_fingerprint, execution_id = self._keys[(route, key)]
            if earlier_fingerprint != fingerprint:
                return wire.error(409, "idempotency_conflict", f"Idempotency-Key {key!r} reused")
            return self._answer(route, self.executions[execution_id], streamed, replayed=True)
        session_id = body.get("session_id")
        if route == "chat":
            if session_id is not None and session_id not in self._sessions:
                return wire.not_found("session", session_id)
            session_id = session_id or f"sess_mock_{next(self._ids)}"
            self._sessions.add(session_id)
        execution_id = f"exec_mock_{next(self._ids)}"
        message, given = str(body.get("message", "")), dict(body.get("input") or {})
        self.calls.append(
            AgentCall(
                agent_id,
                message,
                given,
                "chat" if route == "chat" else "invoke",
                execution_id,
                session_id,
                request.headers.get("x-agent-gateway-tracking"),
                key,
            )
        )
        execution = wire.execution(execution_id, agent_id, route, message, given, session_id)
        execution["tracking"] = request.headers.get("x-agent-gateway-tracking")
        try:
            wire.finish(execution, agent.reply(agent_id, message, given))
        except Exception as exc:  # the fake agent's failure is the execution's
            execution.update(status="failed", error=str(exc) or type(exc).__name__)
        self.executions[execution_id] = execution
        if key is not None:
            self._keys[(route, key)] = (fingerprint, execution_id)
        queued = route == "invoke" and (
            agent.description["execution_mode"] == "async"
            or bool((body.get("options") or {}).get("async"))
        )
        if queued:
            return wire.accepted(execution_id)
        return self._answer(route, execution, streamed, replayed=False)

    def _answer(
        self, route: str, execution: dict[str, Any], streamed: bool, *, replayed: bool
    ) -> httpx.Response:
        headers = {"X-Execution-Id": execution["id"]}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        if route == "chat":
            headers["X-Session-Id"] = execution["session_id"]
        failed = execution["status"] != "succeeded"
        if streamed:
            return wire.chat_events(execution, headers)
        if failed:
            return wire.error(502, "execution_failed", execution["error"], execution["id"], headers)
        fields = ("execution_id", "agent_id", "status", "output", "raw_text", "stop_reason")
        answer = {name: execution[_FIELD.get(name, name)] for name in fields}
        answer.update(usage=execution["usage"], duration_ms=0)
        if route == "chat":
            answer["session_id"] = execution["session_id"]
        return wire.json_answer(answer, headers=headers)

    def _list_executions(self, params: Mapping[str, str]) -> httpx.Response:
        chosen = [
            e
            for e in reversed(self.executions.values())
            if all(
                params.get(name) in (None, e.get(name))
                for name in ("agent_id", "status", "tracking")
            )
        ]
        limit, offset = int(params.get("limit", 50)), int(params.get("offset", 0))
        page = {"items": chosen[offset : offset + limit], "total": len(chosen)}
        return wire.json_answer({**page, "limit": limit, "offset": offset})

    def _no_agent(self, agent_id: str) -> httpx.Response:
        message = f"agent {agent_id!r} not found (MockGateway: add_agent({agent_id!r}, ...))"
        return wire.error(404, "agent_not_found", message)


_FIELD = {"execution_id": "id", "output": "result"}


def _split_template(path: str) -> list[str]:
    """``/v1/agents/{id}/invoke`` → ``["/v1/agents/", "{id}", "/invoke"]``."""
    parts: list[str] = []
    last = 0
    for match in _TEMPLATE.finditer(path):
        parts += [path[last : match.start()], match.group()]
        last = match.end()
    return [*parts, path[last:]]


def _record(request: httpx.Request) -> MockRequest:
    try:
        body = json.loads(request.content) if request.content else None
    except ValueError:
        body = request.content.decode("utf-8", "replace")
    return MockRequest(
        request.method,
        request.url.path,
        dict(request.url.params.items()),
        request.headers,
        body,
    )
