"""A gateway's work survives it: stop one Gateway, start a new one on the same database.

Through the HTTP API, with the model behind the fake OpenAI-compatible server over real HTTP:
invoke and chat on one Gateway, shut it down, start a new Gateway on the same database, find
the executions with their status and usage, and continue the chat with the old session id —
the new gateway rebuilds the session from the stored conversation and sends the model the
earlier turns. Once on PostgreSQL (a schema of its own, dropped afterwards), once on SQLite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.testing.scripted_llm import reply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.e2e

POSTGRES_URL = os.environ.get(
    "POSTGRES_TEST_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
KEY = {"Authorization": "Bearer sk-e2e"}

GATEWAY_YAML = """\
model:
  default: openai/gpt-4o-mini
  api_base: {api_base}
auth:
  api_keys:
    - {{name: e2e, key: sk-e2e}}
"""

AGENT_MD = """\
---
description: Remembers what you tell it.
---
You are a careful assistant with a good memory.
"""


@pytest.fixture
async def model() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
async def postgres_persistence() -> AsyncIterator[str]:
    schema = f"e2e_{uuid.uuid4().hex[:12]}"
    yield (
        f"persistence:\n  backend: postgres\n  url: {POSTGRES_URL}\n  schema: {schema}\n"
        "  migrate: upgrade\n"
    )
    connection = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", "", 1))
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await connection.close()


@pytest.fixture
def sqlite_persistence(tmp_path: Path) -> str:
    return f"persistence:\n  backend: sqlite\n  path: {tmp_path / 'state' / 'gateway.db'}\n"


def write_workspace(root: Path, model: FakeOpenAIServer, persistence: str) -> Path:
    (root / "agents" / "memo").mkdir(parents=True)
    (root / "agents" / "memo" / "AGENT.md").write_text(AGENT_MD)
    (root / "gateway.yaml").write_text(GATEWAY_YAML.format(api_base=model.base_url) + persistence)
    return root


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def run_the_durability_story(workspace: Path, model: FakeOpenAIServer) -> None:
    model.push(
        reply("Paris.", input_tokens=21, output_tokens=2),
        reply("Nice to meet you, Ada.", input_tokens=30, output_tokens=6),
        reply("Your name is Ada.", input_tokens=52, output_tokens=5),
    )

    first = Gateway(workspace=workspace)
    async with (
        first,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=first), base_url="http://first", headers=KEY
        ) as client,
    ):
        invoked = await post(client, "/v1/agents/memo/invoke", {"message": "Capital of France?"})
        chatted = await post(client, "/v1/agents/memo/chat", {"message": "I am Ada."})
    session_id = chatted["session_id"]

    second = Gateway(workspace=workspace)  # a new process would see exactly this
    async with (
        second,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=second), base_url="http://second", headers=KEY
        ) as client,
    ):
        assert second.get_session(session_id) is None  # not in this gateway's memory
        listed = (await client.get("/v1/executions")).json()
        continued = await post(
            client,
            "/v1/agents/memo/chat",
            {"message": "What is my name?", "session_id": session_id},
        )
        conversation = (
            await client.get(f"/v1/users/me/conversations/{session_id}/messages")
        ).json()

    # The executions of the first gateway, with their status and usage.
    by_id = {item["id"]: item for item in listed["items"]}
    assert listed["total"] == 2
    invoke_record = by_id[invoked["execution_id"]]
    assert invoke_record["status"] == "succeeded"
    assert invoke_record["raw_text"] == "Paris."
    assert invoke_record["usage"]["input_tokens"] == 21
    assert invoke_record["usage"]["output_tokens"] == 2
    chat_record = by_id[chatted["execution_id"]]
    assert (chat_record["status"], chat_record["session_id"]) == ("succeeded", session_id)
    assert chat_record["usage"]["input_tokens"] == 30

    # The old session went on: the model was sent the earlier turn.
    assert continued["session_id"] == session_id
    assert continued["raw_text"] == "Your name is Ada."
    sent = [
        (m["role"], m["content"])
        for m in model.requests[-1].body["messages"]
        if m["role"] != "system"
    ]
    assert sent == [
        ("user", "I am Ada."),
        ("assistant", "Nice to meet you, Ada."),
        ("user", "What is my name?"),
    ]
    assert [m["content"] for m in conversation["items"]] == [
        "I am Ada.",
        "Nice to meet you, Ada.",
        "What is my name?",
        "Your name is Ada.",
    ]


async def test_a_new_gateway_on_postgres_carries_on_where_the_old_one_stopped(
    tmp_path: Path, model: FakeOpenAIServer, postgres_persistence: str
) -> None:
    workspace = write_workspace(tmp_path / "workspace", model, postgres_persistence)
    await run_the_durability_story(workspace, model)


async def test_a_new_gateway_on_a_sqlite_file_carries_on_where_the_old_one_stopped(
    tmp_path: Path, model: FakeOpenAIServer, sqlite_persistence: str
) -> None:
    workspace = write_workspace(tmp_path / "workspace", model, sqlite_persistence)
    await run_the_durability_story(workspace, model)
    assert (tmp_path / "state" / "gateway.db").is_file()
