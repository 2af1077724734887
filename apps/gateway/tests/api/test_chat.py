"""POST /v1/agents/{agent_id}/chat: JSON turns, SSE streams, and whose session is whose."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from agent_gateway_core.testing import ScriptedLLM, ScriptedReply, reply, tool_call

pytestmark = pytest.mark.integration

CHAT = "/v1/agents/assistant/chat"
BOB = {"Authorization": "Bearer sk-bob"}
SSE = {"Accept": "text/event-stream"}


def parse_sse(text: str) -> list[tuple[int, str, Any]]:
    """``(id, event, data)`` of each event of a text/event-stream body."""
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
    return events


async def test_a_chat_turn_answers_json_and_the_next_turn_sees_the_history(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(reply("Nice to meet you, Ada."), reply("You are Ada."))

    first = await client.post(CHAT, json={"message": "I am Ada"})
    session_id = first.json()["session_id"]
    second = await client.post(CHAT, json={"message": "Who am I?", "session_id": session_id})

    assert first.status_code == second.status_code == 200
    assert session_id.startswith("sess_")
    assert first.headers["X-Session-Id"] == session_id
    body = second.json()
    assert body["session_id"] == session_id
    assert body["execution_id"] == second.headers["X-Execution-Id"]
    assert (body["status"], body["raw_text"]) == ("succeeded", "You are Ada.")
    sent = [(m.role, m.content) for m in model.requests[1].messages[1:]]
    assert sent == [
        ("user", "I am Ada"),
        ("assistant", "Nice to meet you, Ada."),
        ("user", "Who am I?"),
    ]


async def test_an_unknown_session_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post(CHAT, json={"message": "hi", "session_id": "sess_000000000000"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "session_not_found"
    assert "'sess_000000000000'" in response.json()["error"]["message"]
    assert response.headers["X-Execution-Id"]


async def test_another_users_session_is_404_to_them(client: httpx.AsyncClient) -> None:
    alice = await client.post(CHAT, json={"message": "secret"})
    session_id = alice.json()["session_id"]

    bob = await client.post(CHAT, json={"message": "hi", "session_id": session_id}, headers=BOB)

    assert bob.status_code == 404
    assert bob.json()["error"]["code"] == "session_not_found"


async def test_a_failed_turn_is_an_error_with_the_execution_id(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(ScriptedReply(status=401, error_message="bad key"))

    response = await client.post(CHAT, json={"message": "hi"})

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "llm_authentication_error"
    assert error["execution_id"] == response.headers["X-Execution-Id"]
    assert response.headers["X-Session-Id"].startswith("sess_")


async def test_chat_with_accept_event_stream_streams_sse(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(reply("Hello there, friend"))

    response = await client.post(CHAT, json={"message": "hi"}, headers=SSE)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Accel-Buffering"] == "no"
    events = parse_sse(response.text)
    assert [e[0] for e in events] == list(range(1, len(events) + 1))
    names = [e[1] for e in events]
    assert names[0] == "session"
    assert names[-1] == "done"
    assert set(names[1:-1]) == {"delta"}
    session, done = events[0][2], events[-1][2]
    assert session["execution_id"] == response.headers["X-Execution-Id"]
    assert session["session_id"] == response.headers["X-Session-Id"]
    assert "".join(e[2]["text"] for e in events if e[1] == "delta") == "Hello there, friend"
    assert done["raw_text"] == "Hello there, friend"
    assert done["status"] == "succeeded"
    assert done["session_id"] == session["session_id"]


async def test_stream_true_streams_tool_calls_and_results(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(tool_call("stock-level", {"sku": "AB-1"}), reply("42"))

    response = await client.post(CHAT, json={"message": "stock?", "stream": True})

    events = parse_sse(response.text)
    names = [e[1] for e in events]
    assert names[:3] == ["session", "tool_call", "tool_result"]
    assert names[-1] == "done"
    call, result = events[1][2], events[2][2]
    assert (call["name"], call["arguments"]) == ("stock-level", {"sku": "AB-1"})
    assert result["call_id"] == call["id"]
    assert result["success"] is True
    assert result["output"] == {"sku": "AB-1", "units": 42}


async def test_a_stream_whose_model_fails_ends_with_an_error_event(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(ScriptedReply(status=400, error_message="bad request"))

    response = await client.post(CHAT, json={"message": "hi"}, headers=SSE)

    events = parse_sse(response.text)
    assert [e[1] for e in events] == ["session", "error"]
    error = events[-1][2]["error"]
    assert error["code"] == "llm_bad_request"
    assert error["execution_id"] == response.headers["X-Execution-Id"]


async def test_a_stream_that_cannot_start_is_an_ordinary_error_response(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/v1/agents/nobody/chat", json={"message": "hi"}, headers=SSE)

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "agent_not_found"


async def test_a_streamed_turn_continues_the_session(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    first = await client.post(CHAT, json={"message": "one"})
    session_id = first.json()["session_id"]

    streamed = await client.post(
        CHAT, json={"message": "two", "session_id": session_id, "stream": True}
    )

    assert parse_sse(streamed.text)[0][2]["session_id"] == session_id
    session = (await client.get(f"/v1/sessions/{session_id}")).json()
    assert [m["content"] for m in session["messages"]] == ["one", "echo: one", "two", "echo: two"]
