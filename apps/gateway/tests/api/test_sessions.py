"""GET/DELETE /v1/sessions: the caller's live sessions only."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration

BOB = {"Authorization": "Bearer sk-bob"}


async def start_session(
    client: httpx.AsyncClient, agent_id: str = "assistant", headers: dict[str, str] | None = None
) -> str:
    response = await client.post(
        f"/v1/agents/{agent_id}/chat", json={"message": "hi"}, headers=headers
    )
    session_id: str = response.json()["session_id"]
    return session_id


async def test_list_shows_only_the_callers_sessions_newest_first(client: httpx.AsyncClient) -> None:
    older = await start_session(client)
    newer = await start_session(client)
    await start_session(client, headers=BOB)

    sessions = (await client.get("/v1/sessions")).json()

    assert [s["id"] for s in sessions] == [newer, older]
    assert sessions[0]["agent_id"] == "assistant"
    assert sessions[0]["message_count"] == 2


async def test_list_filters_by_agent_and_limits(client: httpx.AsyncClient) -> None:
    await start_session(client)
    await start_session(client)
    batch = (await client.post("/v1/agents/batch/chat", json={"message": "hi"})).json()

    by_agent = (await client.get("/v1/sessions", params={"agent_id": "batch"})).json()
    limited = (await client.get("/v1/sessions", params={"limit": 1})).json()
    too_many = await client.get("/v1/sessions", params={"limit": 201})

    assert [s["id"] for s in by_agent] == [batch["session_id"]]
    assert len(limited) == 1
    assert too_many.status_code == 422
    assert "query.limit" in too_many.json()["error"]["message"]


async def test_get_returns_the_messages(client: httpx.AsyncClient) -> None:
    session_id = await start_session(client)

    session = (await client.get(f"/v1/sessions/{session_id}")).json()

    assert session["id"] == session_id
    assert [(m["role"], m["content"]) for m in session["messages"]] == [
        ("user", "hi"),
        ("assistant", "echo: hi"),
    ]


async def test_someone_elses_or_an_unknown_session_is_404(client: httpx.AsyncClient) -> None:
    session_id = await start_session(client)

    as_bob = await client.get(f"/v1/sessions/{session_id}", headers=BOB)
    unknown = await client.get("/v1/sessions/sess_nope")

    assert as_bob.status_code == unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "session_not_found"
    assert "'sess_nope'" in unknown.json()["error"]["message"]


async def test_delete_ends_the_callers_session(client: httpx.AsyncClient) -> None:
    session_id = await start_session(client)

    by_bob = await client.delete(f"/v1/sessions/{session_id}", headers=BOB)
    deleted = await client.delete(f"/v1/sessions/{session_id}")
    again = await client.delete(f"/v1/sessions/{session_id}")

    assert by_bob.status_code == 404
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert again.status_code == 404
    assert (await client.get(f"/v1/sessions/{session_id}")).status_code == 404
