"""A real Gateway served by uvicorn on 127.0.0.1 from a background thread, for the CLI's remote
mode; its model is the fake OpenAI server over real HTTP, scripted by the tests.

The same approach as ``packages/client/tests/_served.py``, with the agents the CLI tests need:
``assistant`` (a tool, a skill, a schedule), ``triage`` (input and output schemas), ``batch``
(runs in the background) and ``dormant`` (disabled). Keys: ``ALICE`` (every scope) and
``READER`` (read scopes only). ``THROTTLED_PATH`` answers once a minute per caller.
"""

from __future__ import annotations

import os
import socket
import textwrap
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

ALICE = "sk-alice"
READER = "sk-reader"
THROTTLED_ID = "throttled"
THROTTLED_PATH = f"/v1/executions/{THROTTLED_ID}"

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
    - {{name: reader, key: sk-reader, scopes: [read]}}
rate_limit:
  enabled: true
  default_limit: 100000/minute
  routes:
    "GET {throttled}": 1/minute
"""

WORKSPACE = {
    "agents/assistant/AGENT.md": """\
        ---
        description: A helpful assistant.
        display_name: Assistant
        skills: [lookup]
        tools: [stock-level]
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
            tier: {type: string, enum: [free, pro], description: Customer tier}
            seats: {type: integer, minimum: 1}
          required: [tier]
        output_schema:
          type: object
          properties:
            category: {type: string, enum: [billing, bug]}
            urgent: {type: boolean}
          required: [category, urgent]
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
    "skills/lookup/SKILL.md": """\
        ---
        description: Look things up.
        tools: [stock-level]
        ---
        Use stock-level for stock questions.
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
    """Replies pushed by a test are taken in order, then it echoes ``echo: <last user
    message>``. Safe to push from any thread."""

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


@dataclass(frozen=True)
class ServedGateway:
    url: str
    workspace: Path
    model: ScriptedModel
    model_server: FakeOpenAIServer


@contextmanager
def served_gateway(root: Path) -> Iterator[ServedGateway]:
    """Write the workspace under ``root`` and serve it. No ``AGENT_GATEWAY_*`` variable of
    the caller's environment reaches the gateway: they are set aside while it starts."""
    from agent_gateway import Gateway

    model = ScriptedModel()
    with ExitStack() as stack:
        saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("AGENT_GATEWAY_")}
        try:
            fake = stack.enter_context(
                FakeOpenAIServer(responder=model, stream_chunk_chars=3).running_in_thread()
            )
            yaml = GATEWAY_YAML.format(api_base=fake.base_url, throttled=THROTTLED_PATH)
            for relative, text in {"gateway.yaml": yaml, **WORKSPACE}.items():
                path = root / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(textwrap.dedent(text), encoding="utf-8")
            url = stack.enter_context(serve(Gateway(workspace=root)))
        finally:
            os.environ.update(saved)
        yield ServedGateway(url, root, model, fake)


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
