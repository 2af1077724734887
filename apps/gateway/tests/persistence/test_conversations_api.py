"""GET /v1/users/me/conversations and their messages, on a SQLite file: each caller sees only
their own chats, newest first, paginated, and they outlive a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import BOB, ClientFor, WriteWorkspace

pytestmark = pytest.mark.integration

HELPER_MD = "---\ndescription: Another agent.\n---\nYou help.\n"


@pytest.fixture
def workspace(write_workspace: WriteWorkspace, tmp_path: Path) -> Path:
    root = write_workspace(f"persistence:\n  backend: sqlite\n  path: {tmp_path / 'db.sqlite'}\n")
    (root / "agents" / "helper").mkdir()
    (root / "agents" / "helper" / "AGENT.md").write_text(HELPER_MD)
    return root


async def chat(
    client: httpx.AsyncClient, message: str, session_id: str | None = None, agent: str = "assistant"
) -> str:
    body: dict[str, Any] = {"message": message, "session_id": session_id}
    response = await client.post(f"/v1/agents/{agent}/chat", json=body)
    assert response.status_code == 200, response.text
    session: str = response.json()["session_id"]
    return session


async def test_each_caller_lists_only_their_conversations_newest_first(
    workspace: Path, client_for: ClientFor
) -> None:
    async with (
        Gateway(workspace=workspace) as gw,
        client_for(gw) as alice,
        client_for(gw, BOB) as bob,
    ):
        first = await chat(alice, "Hi, I am Ada")
        await chat(alice, "Remember me?", first)
        second = await chat(alice, "Another topic", agent="helper")
        bobs = await chat(bob, "I am Bob")

        mine = (await alice.get("/v1/users/me/conversations")).json()
        theirs = (await bob.get("/v1/users/me/conversations")).json()

    assert [c["id"] for c in mine["items"]] == [second, first]
    assert (mine["total"], mine["limit"], mine["offset"]) == (2, 50, 0)
    oldest = mine["items"][1]
    assert (oldest["agent_id"], oldest["title"], oldest["message_count"]) == (
        "assistant",
        "Hi, I am Ada",
        4,
    )
    assert "user_id" not in oldest
    assert [c["id"] for c in theirs["items"]] == [bobs]


async def test_conversations_filter_by_agent_and_paginate(
    workspace: Path, client_for: ClientFor
) -> None:
    async with Gateway(workspace=workspace) as gw, client_for(gw) as alice:
        sessions = [await chat(alice, f"Question {n}") for n in range(3)]
        await chat(alice, "For the helper", agent="helper")

        page = (
            await alice.get(
                "/v1/users/me/conversations",
                params={"agent_id": "assistant", "limit": 2, "offset": 1},
            )
        ).json()

    assert [c["id"] for c in page["items"]] == [sessions[1], sessions[0]]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)


async def test_the_messages_of_a_conversation_come_in_order_with_their_execution(
    workspace: Path, client_for: ClientFor, model_server: FakeOpenAIServer
) -> None:
    async with Gateway(workspace=workspace) as gw, client_for(gw) as alice:
        session = await chat(alice, "Hi, I am Ada")
        await chat(alice, "What is my name?", session)

        every = (await alice.get(f"/v1/users/me/conversations/{session}/messages")).json()
        later = (
            await alice.get(
                f"/v1/users/me/conversations/{session}/messages", params={"limit": 2, "offset": 2}
            )
        ).json()
        executions = (await alice.get("/v1/executions")).json()["items"]

    # The fake model echoes the last user message, prefixed with "echo: ".
    assert [(m["seq"], m["role"], m["content"]) for m in every["items"]] == [
        (1, "user", "Hi, I am Ada"),
        (2, "assistant", "echo: Hi, I am Ada"),
        (3, "user", "What is my name?"),
        (4, "assistant", "echo: What is my name?"),
    ]
    assert (every["total"], every["limit"], every["offset"]) == (4, 100, 0)
    assert [m["seq"] for m in later["items"]] == [3, 4]
    assert every["items"][0]["execution_id"] == executions[1]["id"]
    assert every["items"][3]["execution_id"] == executions[0]["id"]


async def test_another_callers_conversation_is_not_found(
    workspace: Path, client_for: ClientFor
) -> None:
    async with (
        Gateway(workspace=workspace) as gw,
        client_for(gw) as alice,
        client_for(gw, BOB) as bob,
    ):
        session = await chat(alice, "Private")

        stolen = await bob.get(f"/v1/users/me/conversations/{session}/messages")
        unknown = await alice.get("/v1/users/me/conversations/sess_000000000000/messages")
        continued = await bob.post(
            "/v1/agents/assistant/chat", json={"message": "Me too", "session_id": session}
        )

    assert stolen.status_code == 404
    assert stolen.json()["error"]["code"] == "session_not_found"
    assert session in stolen.json()["error"]["message"]
    assert unknown.status_code == 404
    assert continued.status_code == 404  # nor can Bob continue it


async def test_conversations_need_a_credential(workspace: Path, client_for: ClientFor) -> None:
    async with Gateway(workspace=workspace) as gw, client_for(gw, {}) as anonymous:
        response = await anonymous.get("/v1/users/me/conversations")
    assert response.status_code == 401


async def test_with_auth_off_the_anonymous_conversations_are_listed(
    workspace: Path, client_for: ClientFor
) -> None:
    async with Gateway(workspace=workspace, auth=False) as gw, client_for(gw, {}) as client:
        session = await chat(client, "Hello")
        listed = (await client.get("/v1/users/me/conversations")).json()
        messages = (await client.get(f"/v1/users/me/conversations/{session}/messages")).json()
    assert [c["id"] for c in listed["items"]] == [session]
    assert messages["total"] == 2


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=201", "offset=-1"], ids=["limit 0", "limit 201", "offset -1"]
)
async def test_out_of_range_paging_is_a_422_naming_the_parameter(
    workspace: Path, client_for: ClientFor, query: str
) -> None:
    async with Gateway(workspace=workspace) as gw, client_for(gw) as alice:
        response = await alice.get(f"/v1/users/me/conversations?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.json()["error"]["message"]


async def test_conversations_outlive_a_restart(workspace: Path, client_for: ClientFor) -> None:
    async with Gateway(workspace=workspace) as gw, client_for(gw) as alice:
        session = await chat(alice, "Before the restart")
    async with Gateway(workspace=workspace) as gw, client_for(gw) as alice:
        listed = (await alice.get("/v1/users/me/conversations")).json()
        messages = (await alice.get(f"/v1/users/me/conversations/{session}/messages")).json()
    assert [c["id"] for c in listed["items"]] == [session]
    assert [m["content"] for m in messages["items"]] == [
        "Before the restart",
        "echo: Before the restart",
    ]
