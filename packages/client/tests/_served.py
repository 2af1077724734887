"""A real Gateway served by uvicorn on 127.0.0.1 from a background thread, over a workspace
written here; its model is the fake OpenAI server over real HTTP, scripted by the tests."""

from __future__ import annotations

import socket
import textwrap
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn

from agent_gateway import Gateway
from agent_gateway_core.testing import RecordingNotificationBackend
from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

if TYPE_CHECKING:
    from aiohttp import web

ALICE = "sk-alice"  # every scope
BOB = "sk-bob"  # every scope: another user
READER = "sk-reader"  # read scopes only
THROTTLED_PATH = "/v1/skills/throttled"  # one request a minute per caller

GATEWAY_YAML = """\
model:
  default: openai/gpt-4o-mini
  api_base: {api_base}
  api_key: sk-test
persistence:
  backend: memory
auth:
  api_keys:
    - {{name: alice, key: sk-alice, scopes: ["*"]}}
    - {{name: bob, key: sk-bob, scopes: ["*"]}}
    - {{name: reader, key: sk-reader, scopes: [read]}}
rate_limit:
  enabled: true
  default_limit: 100000/minute
  routes:
    "GET {throttled}": 1/minute
memory:
  enabled: true
"""

WORKSPACE = {
    "agents/assistant/AGENT.md": """\
        ---
        description: A helpful assistant.
        display_name: Assistant
        tags: [demo]
        skills: [lookup]
        schedules:
          - {name: daily, cron: "0 9 * * *", message: Good morning}
        ---
        You are helpful.
        """,
    "agents/triage/AGENT.md": """\
        ---
        description: Classifies a support request.
        input_schema:
          type: object
          properties:
            tier: {type: string, enum: [free, pro]}
          required: [tier]
        ---
        Classify the request.
        """,
    "agents/batch/AGENT.md": """\
        ---
        description: Always runs in the background.
        execution_mode: async
        ---
        Summarise.
        """,
    "agents/dormant/AGENT.md": """\
        ---
        description: Switched off.
        enabled: false
        ---
        Never runs.
        """,
    "agents/reporter/AGENT.md": """\
        ---
        description: Reports and tells.
        notifications:
          on_complete:
            - {channel: slack, target: "#gone"}
        ---
        You report.
        """,
    "agents/mine/AGENT.md": """\
        ---
        description: Knows your region and holds your API key.
        scope: personal
        setup_schema:
          type: object
          properties:
            region: {type: string, enum: [eu, us]}
            api_key: {type: string, sensitive: true}
          required: [region, api_key]
        ---
        You are the user's own assistant.
        """,
    "agents/rememberer/AGENT.md": """\
        ---
        description: Remembers.
        memory: {enabled: true}
        ---
        You remember.
        """,
    "skills/lookup/SKILL.md": """\
        ---
        description: Look things up.
        tools: [stock-level]
        ---
        Use stock-level for stock questions.
        """,
    "skills/throttled/SKILL.md": """\
        ---
        description: Read at most once a minute.
        ---
        Nothing.
        """,
    "tools/stock-level/TOOL.md": """\
        ---
        name: stock-level
        description: Units in stock for a SKU.
        parameters:
          sku: {type: string, description: The SKU}
        ---
        """,
    "tools/stock-level/handler.py": """\
        async def handler(sku: str) -> dict:
            return {"sku": sku, "units": 42}
        """,
}


class ScriptedModel:
    """The fake model's script: replies pushed by a test are taken in order, then it echoes
    ``echo: <last user message>``. Safe to push from any thread."""

    def __init__(self) -> None:
        self._replies: deque[ScriptedReply] = deque()
        self._lock = threading.Lock()

    def push(self, *replies: ScriptedReply) -> None:
        with self._lock:
            self._replies.extend(replies)

    def clear(self) -> None:
        with self._lock:
            self._replies.clear()

    def __call__(self, body: dict[str, Any]) -> ScriptedReply:
        with self._lock:
            if self._replies:
                return self._replies.popleft()
        messages = [m for m in body["messages"] if m["role"] == "user"]
        return ScriptedReply(content=f"echo: {messages[-1]['content'] if messages else ''}")


class CountingModelServer(FakeOpenAIServer):
    """The fake model, counting the completion requests it serves at once: ``in_flight`` now,
    ``max_in_flight`` at most since :meth:`reset_in_flight`.

    A stand-in until ``FakeOpenAIServer`` counts them itself: it wraps the server's handler
    of ``POST /v1/chat/completions`` (a request is in flight from its arrival until its
    answer is made, its scripted delay included).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.in_flight = 0
        self.max_in_flight = 0
        self._count_lock = threading.Lock()

    def reset_in_flight(self) -> None:
        with self._count_lock:
            self.max_in_flight = self.in_flight

    async def _chat_completions(self, request: web.Request) -> web.StreamResponse:
        with self._count_lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await super()._chat_completions(request)
        finally:
            with self._count_lock:
                self.in_flight -= 1


@dataclass(frozen=True)
class ServedGateway:
    url: str
    workspace: Path
    gateway: Gateway
    model: ScriptedModel
    model_server: CountingModelServer
    notifications: RecordingNotificationBackend


def write_workspace(root: Path, api_base: str) -> Path:
    files = {
        "gateway.yaml": GATEWAY_YAML.format(api_base=api_base, throttled=THROTTLED_PATH),
        **WORKSPACE,
    }
    _write(root, files)
    return root


def _write(root: Path, files: Mapping[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@contextmanager
def served_model() -> Iterator[tuple[CountingModelServer, ScriptedModel]]:
    model = ScriptedModel()
    with CountingModelServer(responder=model).running_in_thread() as server:
        yield server, model


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port of 127.0.0.1 from a thread (lifespan
    included); yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="gateway", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the gateway did not start (see the log above)")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def free_port() -> int:
    """A port nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
