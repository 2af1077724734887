"""``options.model``: the models the workspace configures, plus ``model.allowed_overrides``.

The shared workspace's default is ``openai/gpt-4o-mini``; here gateway.yaml also allows
``openai/gpt-4o`` and every ``anthropic/`` model, and agent ``pinned`` uses its own model and
fallback.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from agent_gateway_core.testing import ScriptedLLM

from .conftest import UNREACHABLE_API_BASE, WriteFiles

pytestmark = pytest.mark.integration

INVOKE = "/v1/agents/assistant/invoke"
CHAT = "/v1/agents/assistant/chat"

GATEWAY_YAML = f"""\
model:
  default: openai/gpt-4o-mini
  fallback: openai/gpt-4o-mini-fallback
  api_base: {UNREACHABLE_API_BASE}
  allowed_overrides: [openai/gpt-4o, "anthropic/*"]
auth:
  api_keys:
    - {{name: alice, key: sk-alice, scopes: ["*"]}}
"""

PINNED = """\
---
description: Uses its own model.
model:
  name: groq/llama-3.1-8b-instant
  fallback: [mistral/mistral-small-latest]
---
Be brief.
"""


@pytest.fixture
def workspace(workspace: Path) -> Path:
    (workspace / "gateway.yaml").write_text(GATEWAY_YAML)
    (workspace / "agents" / "pinned").mkdir()
    (workspace / "agents" / "pinned" / "AGENT.md").write_text(PINNED)
    return workspace


@pytest.mark.parametrize(
    "allowed",
    [
        "openai/gpt-4o-mini",  # model.default
        "openai/gpt-4o-mini-fallback",  # model.fallback
        "groq/llama-3.1-8b-instant",  # another agent's model
        "mistral/mistral-small-latest",  # another agent's fallback
        "openai/gpt-4o",  # listed in model.allowed_overrides
        "anthropic/claude-3-5-haiku-latest",  # matches "anthropic/*"
    ],
)
async def test_a_configured_or_allowed_model_is_used(
    client: httpx.AsyncClient, model: ScriptedLLM, allowed: str
) -> None:
    invoked = await client.post(INVOKE, json={"message": "hi", "options": {"model": allowed}})
    chatted = await client.post(CHAT, json={"message": "hi", "options": {"model": allowed}})

    assert invoked.status_code == chatted.status_code == 200
    assert [r.model for r in model.requests] == [allowed, allowed]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (INVOKE, {"message": "hi"}),
        (INVOKE, {"message": "hi", "async": True}),
        (CHAT, {"message": "hi"}),
        (CHAT, {"message": "hi", "stream": True}),
    ],
    ids=["invoke", "async invoke", "chat", "streamed chat"],
)
@pytest.mark.parametrize(
    "unknown", ["openai/gpt-5-unlisted", "anthropic", "fake/../../etc", "openai/gpt-4o-mini "]
)
async def test_an_unknown_model_is_422_naming_it_and_how_to_allow_it(
    client: httpx.AsyncClient,
    model: ScriptedLLM,
    path: str,
    body: dict[str, object],
    unknown: str,
) -> None:
    response = await client.post(path, json={**body, "options": {"model": unknown}})

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "model_not_allowed"
    assert repr(unknown) in error["message"]
    assert "model.allowed_overrides" in error["message"]
    assert model.requests == []  # nothing ran
    assert (await client.get("/v1/executions")).json()["total"] == 0  # nothing was stored
    if path == INVOKE:
        assert response.headers["X-Execution-Id"]


async def test_the_allowed_models_follow_a_reload(
    client: httpx.AsyncClient, write_files: WriteFiles
) -> None:
    body = {"message": "hi", "options": {"model": "ollama/llama3.1"}}
    before = await client.post(INVOKE, json=body)
    write_files({"gateway.yaml": GATEWAY_YAML.replace('"anthropic/*"', '"*"')})
    await client.post("/v1/reload")
    after = await client.post(INVOKE, json=body)

    assert before.status_code == 422
    assert after.status_code == 200
