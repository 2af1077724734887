"""Personal agents over HTTP: setup schema, the caller's configuration, and invoking with it."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.domain.messages import Role
from agent_gateway_core.testing import ScriptedLLM, reply, tool_call

from .conftest import ALICE, BOB, NewGateway

pytestmark = pytest.mark.integration

API_KEY = "sk-live-PERSONAL-PLAINTEXT-31337"
CONFIG_PATH = "/v1/agents/mine/config"
INVOKE_PATH = "/v1/agents/mine/invoke"

PERSONAL_FILES = {
    "agents/mine/AGENT.md": """\
        ---
        description: Knows your region and holds your API key.
        scope: personal
        tools: [whoami]
        setup_schema:
          type: object
          properties:
            region: {type: string, enum: [eu, us]}
            api_key: {type: string, sensitive: true, description: Your provider key}
          required: [region, api_key]
        ---
        You are the user's own assistant.
        """,
    "tools/whoami/TOOL.md": """\
        ---
        description: What the tool knows of the caller's configuration.
        ---
        """,
    "tools/whoami/handler.py": """\
        def handle(arguments, context):
            return {
                "region": context.user_config.get("region"),
                "key_length": len(context.user_secrets.get("api_key", "")),
            }
        """,
}

KEYS = [
    {"name": "alice", "key": "sk-alice", "scopes": ["*"]},
    {"name": "bob", "key": "sk-bob", "scopes": ["read", "agents:invoke", "config:write"]},
    {"name": "reader", "key": "sk-reader", "scopes": ["read"]},
]


@pytest.fixture
def workspace(workspace: Path) -> Path:
    """The shared workspace plus the personal agent ``mine`` and its tool."""
    for relative, text in PERSONAL_FILES.items():
        path = workspace / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return workspace


@pytest.fixture
async def gateway(new_gateway: NewGateway) -> AsyncIterator[Gateway]:
    gw = new_gateway()
    gw.use_api_keys(KEYS)
    async with gw:
        yield gw


def http_client(gw: Gateway, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=gw)
    return httpx.AsyncClient(transport=transport, base_url="http://gateway", headers=headers)


async def test_setup_then_invoke_then_delete(client: httpx.AsyncClient, model: ScriptedLLM) -> None:
    schema = await client.get("/v1/agents/mine/setup-schema")
    assert schema.status_code == 200
    assert schema.json()["scope"] == "personal"
    assert schema.json()["setup_schema"]["properties"]["api_key"]["sensitive"] is True

    refused = await client.post(INVOKE_PATH, json={"message": "hi"})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "setup_required"
    assert "POST /v1/agents/mine/config" in refused.json()["error"]["message"]

    incomplete = await client.post(CONFIG_PATH, json={"region": "eu"})
    assert incomplete.status_code == 422
    assert "api_key" in str(incomplete.json()["error"]["details"])

    saved = await client.post(
        CONFIG_PATH,
        json={"region": "eu", "api_key": API_KEY, "instructions": "Answer in French."},
    )
    assert saved.status_code == 200, saved.text
    assert API_KEY not in saved.text
    assert saved.json() | {"created_at": None, "updated_at": None} == {
        "user_id": "apikey:alice",  # the user of alice's API key
        "agent_id": "mine",
        "instructions": "Answer in French.",
        "config_values": {"region": "eu"},
        "secrets": {"api_key": "***"},
        "setup_completed": True,
        "created_at": None,
        "updated_at": None,
    }

    model.push(tool_call("whoami", {}), reply("Bonjour."))
    invoked = await client.post(INVOKE_PATH, json={"message": "Who am I?"})
    assert invoked.status_code == 200, invoked.text
    assert invoked.json()["raw_text"] == "Bonjour."
    system = model.requests[0].messages[0].content or ""
    assert "## User Instructions" in system
    assert "Answer in French." in system
    [tool_message] = [m for m in model.requests[1].messages if m.role is Role.TOOL]
    assert tool_message.content == f'{{"region": "eu", "key_length": {len(API_KEY)}}}'
    assert all(
        API_KEY not in (m.content or "") for request in model.requests for m in request.messages
    )
    events = await client.get(f"/v1/executions/{invoked.json()['execution_id']}/events")
    assert events.status_code == 200
    assert API_KEY not in events.text

    shown = await client.get(CONFIG_PATH)
    assert shown.status_code == 200
    assert shown.json()["secrets"] == {"api_key": "***"}
    assert API_KEY not in shown.text

    for method in ("GET", "DELETE"):
        others = await client.request(method, CONFIG_PATH, headers=BOB)
        assert others.status_code == 404
        assert others.json()["error"]["code"] == "config_not_found"
    bob_refused = await client.post(INVOKE_PATH, json={"message": "hi"}, headers=BOB)
    assert bob_refused.status_code == 409

    deleted = await client.delete(CONFIG_PATH)
    assert deleted.status_code == 200
    assert deleted.json() == {"deleted": True}
    assert (await client.delete(CONFIG_PATH)).status_code == 404
    assert (await client.get(CONFIG_PATH)).status_code == 404
    again = await client.post(INVOKE_PATH, json={"message": "hi"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "setup_required"


async def test_chat_and_background_runs_are_refused_until_setup(
    client: httpx.AsyncClient,
) -> None:
    chat = await client.post("/v1/agents/mine/chat", json={"message": "hi"})
    background = await client.post(INVOKE_PATH, json={"message": "hi", "async": True})

    assert chat.status_code == background.status_code == 409
    assert chat.json()["error"]["code"] == background.json()["error"]["code"] == "setup_required"
    listed = (await client.get("/v1/executions")).json()
    assert listed["items"] == []  # refused before anything was stored


async def test_only_personal_agents_have_a_setup_schema_or_config(
    client: httpx.AsyncClient,
) -> None:
    unknown = await client.get("/v1/agents/ghost/setup-schema")
    shared = await client.get("/v1/agents/assistant/setup-schema")
    shared_config = await client.post("/v1/agents/assistant/config", json={"x": 1})

    assert unknown.status_code == 404
    assert shared.status_code == shared_config.status_code == 400  # as the existing product
    assert shared.json()["error"]["code"] == "not_personal_agent"
    assert shared_config.json()["error"]["code"] == "not_personal_agent"


async def test_saving_a_config_needs_the_config_scope(client: httpx.AsyncClient) -> None:
    reader = {"Authorization": "Bearer sk-reader"}
    schema = await client.get("/v1/agents/mine/setup-schema", headers=reader)
    saved = await client.post(
        CONFIG_PATH, json={"region": "eu", "api_key": API_KEY}, headers=reader
    )

    assert schema.status_code == 200
    assert saved.status_code == 403
    assert saved.json()["error"]["code"] == "insufficient_scope"


async def test_instructions_are_bounded(client: httpx.AsyncClient) -> None:
    saved = await client.post(
        CONFIG_PATH, json={"region": "eu", "api_key": API_KEY, "instructions": "x" * 10_001}
    )

    assert saved.status_code == 422
    assert "instructions" in saved.text


async def test_with_auth_off_the_anonymous_user_has_a_config(
    new_gateway: NewGateway, model: ScriptedLLM
) -> None:
    gw = new_gateway(auth=False)
    async with gw, http_client(gw) as client:
        saved = await client.post(CONFIG_PATH, json={"region": "us", "api_key": API_KEY})
        invoked = await client.post(INVOKE_PATH, json={"message": "hi"})

    assert saved.status_code == 200
    assert saved.json()["user_id"] == "anonymous"
    assert invoked.status_code == 200, invoked.text


async def test_a_sensitive_value_never_reaches_the_sqlite_file_in_plaintext(
    new_gateway: NewGateway, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    gw = new_gateway().use_sqlite(folder / "gateway.db")
    gw.use_api_keys(KEYS)
    async with gw, http_client(gw, ALICE) as client:
        saved = await client.post(CONFIG_PATH, json={"region": "eu", "api_key": API_KEY})
        invoked = await client.post(INVOKE_PATH, json={"message": "hi"})
    assert saved.status_code == 200, saved.text
    assert invoked.status_code == 200, invoked.text

    raw = b"".join(file.read_bytes() for file in sorted(folder.glob("gateway.db*")))
    assert b'"region"' in raw  # the configuration is there...
    assert API_KEY.encode() not in raw  # ...its secret is not
    assert b"PERSONAL-PLAINTEXT" not in raw


async def test_a_config_saved_under_another_secret_key_asks_to_be_saved_again(
    new_gateway: NewGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "gateway.db"
    monkeypatch.setenv("AGENT_GATEWAY_SECRET_KEY", "the first key")
    gw = new_gateway().use_sqlite(database)
    gw.use_api_keys(KEYS)
    async with gw, http_client(gw, ALICE) as client:
        saved = await client.post(CONFIG_PATH, json={"region": "eu", "api_key": API_KEY})
    assert saved.status_code == 200, saved.text

    monkeypatch.setenv("AGENT_GATEWAY_SECRET_KEY", "a key that replaced it")
    gw = new_gateway().use_sqlite(database)
    gw.use_api_keys(KEYS)
    async with gw, http_client(gw, ALICE) as client:
        refused = await client.post(INVOKE_PATH, json={"message": "hi"})
        unreadable = await client.get(CONFIG_PATH)
        again = await client.post(CONFIG_PATH, json={"region": "eu", "api_key": API_KEY})
        invoked = await client.post(INVOKE_PATH, json={"message": "hi"})

    assert refused.status_code == 409
    assert "cannot decrypt" in refused.json()["error"]["message"]
    assert unreadable.status_code == 503
    assert again.status_code == 200
    assert invoked.status_code == 200, invoked.text
