"""A started Gateway over a workspace written per test, its HTTP client, and the scripted model.

The model is the in-process :class:`ScriptedLLM`, put in the container's ``llm`` provider by
``gw.container.llm.override(...)``: no HTTP model server runs. Tests script it with
``model.push(reply(...))`` (by default it answers ``echo: <last user message>``) and read what
the gateway asked of it in ``model.requests`` (``LLMRequest`` objects: the model is the whole
litellm string, e.g. ``openai/gpt-4o-mini``; messages are core ``Message`` objects). gateway.yaml's
``api_base`` points at a port nothing listens on, so a model call that slipped past the
override would fail loudly. Tests that build their own Gateway use ``new_gateway(...)``, which
overrides it the same way. Three API keys exist: ``alice`` and ``bob`` (every scope), so tests
can check what one caller sees of another's, and ``reader`` (``read``: every ``*:read`` scope).
"""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from dependency_injector import providers

from agent_gateway import Gateway
from agent_gateway_core.testing import ScriptedLLM

ALICE = {"Authorization": "Bearer sk-alice"}
BOB = {"Authorization": "Bearer sk-bob"}
READER = {"Authorization": "Bearer sk-reader"}

# The discard port: nothing listens there, so a real HTTP model call is refused at once.
UNREACHABLE_API_BASE = "http://127.0.0.1:9/v1"

GATEWAY_YAML = """\
model:
  default: openai/gpt-4o-mini
  api_base: {api_base}
  allowed_overrides: [openai/gpt-4o]
auth:
  api_keys:
    - {{name: alice, key: sk-alice, scopes: ["*"]}}
    - {{name: bob, key: sk-bob, scopes: ["*"]}}
    - {{name: reader, key: sk-reader, scopes: [read]}}
"""

AGENTS = {
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
    "agents/dormant/AGENT.md": """\
        ---
        description: Switched off.
        enabled: false
        ---
        Never runs.
        """,
    "agents/batch/AGENT.md": """\
        ---
        description: Always runs in the background.
        execution_mode: async
        ---
        Summarise.
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

WriteFiles = Callable[[Mapping[str, str]], None]
Eventually = Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]]
WaitForStatus = Callable[..., Awaitable[dict[str, Any]]]
NewGateway = Callable[..., Gateway]


@pytest.fixture
def model() -> ScriptedLLM:
    """The model every gateway of the test calls: ``model.push(...)``, ``model.requests``."""
    return ScriptedLLM()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A key, so that a real model call would get as far as the (unreachable) api_base.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    # Data in memory: isolated per test (the SQLite default has its own tests).
    monkeypatch.setenv("AGENT_GATEWAY_PERSISTENCE__BACKEND", "memory")
    root = tmp_path / "workspace"
    _write(root, {"gateway.yaml": GATEWAY_YAML.format(api_base=UNREACHABLE_API_BASE), **AGENTS})
    return root


@pytest.fixture
def new_gateway(workspace: Path, model: ScriptedLLM) -> NewGateway:
    """``new_gateway(**kwargs)``: a ``Gateway(workspace=..., **kwargs)``, not started, whose
    container's ``llm`` is overridden with ``model``."""

    def build(**kwargs: Any) -> Gateway:
        gw = Gateway(workspace=workspace, **kwargs)
        gw.container.llm.override(providers.Object(model))
        return gw

    return build


@pytest.fixture
def write_files(workspace: Path) -> WriteFiles:
    """Write (dedented) files into the workspace, e.g. before a reload."""
    return lambda files: _write(workspace, files)


@pytest.fixture
async def gateway(new_gateway: NewGateway) -> AsyncIterator[Gateway]:
    async with new_gateway() as gw:
        yield gw


@pytest.fixture
async def client(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    """Alice's client; pass ``headers=BOB`` (or ``{}``) per request to be someone else."""
    transport = httpx.ASGITransport(app=gateway)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gateway", headers=ALICE, timeout=30
    ) as http:
        yield http


@pytest.fixture
def eventually() -> Eventually:
    """``await eventually(probe)``: the first truthy result of ``probe()``, polled for 5 s."""

    async def poll(probe: Callable[[], Awaitable[Any]]) -> Any:
        for _ in range(250):
            if found := await probe():
                return found
            await asyncio.sleep(0.02)
        raise AssertionError(f"{probe} stayed falsy for 5 s")

    return poll


@pytest.fixture
def wait_for_status(client: httpx.AsyncClient, eventually: Eventually) -> WaitForStatus:
    """``await wait_for_status(execution_id, "succeeded", ...)``: the record, once it has
    one of those statuses."""

    async def wait(execution_id: str, *statuses: str) -> dict[str, Any]:
        async def record() -> dict[str, Any] | None:
            body: dict[str, Any] = (await client.get(f"/v1/executions/{execution_id}")).json()
            return body if body["status"] in statuses else None

        found: dict[str, Any] = await eventually(record)
        return found

    return wait


def _write(root: Path, files: Mapping[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
