"""Idempotency-Key on chat: a repeated turn is answered from the store, never run again.

Each test counts what the server did: the model's requests, the caller's chat executions
and the session's messages.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from agent_gateway_core.testing import ScriptedLLM, ScriptedReply, reply, tool_call

from .conftest import BOB

pytestmark = pytest.mark.integration

CHAT = "/v1/agents/assistant/chat"
SSE = {"Accept": "text/event-stream"}


def keyed(key: str, **headers: str) -> dict[str, str]:
    return {"Idempotency-Key": key, **headers}


def parse_sse(text: str) -> list[tuple[int, str, Any]]:
    """``(id, event, data)`` of each event of a text/event-stream body."""
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
    return events


def timeless(answer: dict[str, Any]) -> dict[str, Any]:
    """A chat answer without ``duration_ms``: a replay measures it from the stored times,
    the live turn with a monotonic clock, and the two may differ by a millisecond."""
    return {name: value for name, value in answer.items() if name != "duration_ms"}


async def chat_executions(client: httpx.AsyncClient, **headers: str) -> list[dict[str, Any]]:
    page = (await client.get("/v1/executions", params={"limit": 200}, headers=headers)).json()
    return [item for item in page["items"] if item["kind"] == "chat"]


async def messages_of(client: httpx.AsyncClient, session_id: str) -> list[str]:
    session = (await client.get(f"/v1/sessions/{session_id}")).json()
    return [m["content"] for m in session["messages"]]


async def test_a_repeated_turn_returns_the_first_answer_and_adds_no_turn(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(reply("first answer"), reply("second answer"))
    body = {"message": "hi", "input": {"a": 1, "b": 2}}

    first = await client.post(CHAT, json=body, headers=keyed("c-1"))
    again = await client.post(
        CHAT, json={"input": {"b": 2, "a": 1}, "message": "hi"}, headers=keyed("c-1")
    )

    assert first.status_code == again.status_code == 200
    assert timeless(again.json()) == timeless(first.json())
    assert again.json()["raw_text"] == "first answer"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["X-Execution-Id"] == first.headers["X-Execution-Id"]
    assert again.headers["X-Session-Id"] == first.json()["session_id"]
    assert len(model.requests) == 1
    assert len(await chat_executions(client)) == 1
    assert await messages_of(client, first.json()["session_id"]) == ["hi", "first answer"]


async def test_a_repeated_turn_of_a_running_session_is_not_appended_twice(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    opened = await client.post(CHAT, json={"message": "one"})
    session_id = opened.json()["session_id"]
    body = {"message": "two", "session_id": session_id}

    answers = [await client.post(CHAT, json=body, headers=keyed("c-2")) for _ in range(3)]

    assert {a.json()["execution_id"] for a in answers} == {answers[0].json()["execution_id"]}
    assert len(model.requests) == 2  # "one", then "two" once
    assert len(await chat_executions(client)) == 2
    assert await messages_of(client, session_id) == ["one", "echo: one", "two", "echo: two"]


async def test_a_repeated_streamed_turn_replays_its_events_without_running_again(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(tool_call("stock-level", {"sku": "AB-1"}), reply("42 in stock"))
    body = {"message": "stock?", "stream": True}

    first = await client.post(CHAT, json=body, headers=keyed("c-3"))
    again = await client.post(CHAT, json=body, headers=keyed("c-3"))

    live, replayed = parse_sse(first.text), parse_sse(again.text)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["content-type"].startswith("text/event-stream")
    assert again.headers["X-Execution-Id"] == first.headers["X-Execution-Id"]
    assert again.headers["X-Session-Id"] == first.headers["X-Session-Id"]
    assert [e[0] for e in replayed] == list(range(1, len(replayed) + 1))
    assert [e[1] for e in replayed] == ["session", "tool_call", "tool_result", "delta", "done"]
    assert replayed[0][2] == live[0][2]
    assert replayed[1][2] == next(e[2] for e in live if e[1] == "tool_call")
    live_result = next(e[2] for e in live if e[1] == "tool_result")
    replayed_result = replayed[2][2]
    assert (replayed_result["call_id"], replayed_result["success"]) == (
        live_result["call_id"],
        True,
    )
    assert json.loads(replayed_result["output"]) == live_result["output"]  # as the log holds it
    assert replayed[3][2] == {"text": "42 in stock"}
    assert timeless(replayed[-1][2]) == timeless(live[-1][2])
    assert len(model.requests) == 2  # the tool round and the answer, once
    assert len(await chat_executions(client)) == 1
    assert len(await messages_of(client, first.headers["X-Session-Id"])) == 2


async def test_stream_or_json_is_the_same_request(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    streamed = await client.post(CHAT, json={"message": "hi"}, headers=keyed("c-4", **SSE))
    as_json = await client.post(CHAT, json={"message": "hi"}, headers=keyed("c-4"))
    as_stream = await client.post(
        CHAT, json={"message": "hi", "stream": True}, headers=keyed("c-4")
    )

    done = parse_sse(streamed.text)[-1][2]
    assert as_json.status_code == 200
    assert timeless(as_json.json()) == timeless(done)
    assert timeless(parse_sse(as_stream.text)[-1][2]) == timeless(done)
    assert len(model.requests) == 1


async def test_the_same_key_with_another_body_is_409(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    first = await client.post(CHAT, json={"message": "hi"}, headers=keyed("c-5"))

    other = await client.post(CHAT, json={"message": "bye"}, headers=keyed("c-5"))
    other_stream = await client.post(
        CHAT, json={"message": "bye", "stream": True}, headers=keyed("c-5")
    )

    assert other.status_code == other_stream.status_code == 409
    error = other.json()["error"]
    assert error["code"] == "idempotency_conflict"
    assert first.json()["execution_id"] in error["message"]
    assert len(model.requests) == 1


async def test_keys_are_per_caller_and_apart_from_invoke_keys(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    alice = await client.post(CHAT, json={"message": "hi"}, headers=keyed("shared"))
    bob = await client.post(CHAT, json={"message": "hi"}, headers=keyed("shared", **BOB))
    invoked = await client.post(
        "/v1/agents/assistant/invoke", json={"message": "hi"}, headers=keyed("shared")
    )

    assert alice.status_code == bob.status_code == invoked.status_code == 200
    ids = {r.headers["X-Execution-Id"] for r in (alice, bob, invoked)}
    assert len(ids) == 3
    assert len(model.requests) == 3


async def test_a_repeat_while_the_first_still_runs_waits_for_its_answer(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(ScriptedReply(content="slow answer", delay_seconds=0.4))
    body = {"message": "hi"}

    first_task = asyncio.create_task(client.post(CHAT, json=body, headers=keyed("c-6")))
    await asyncio.sleep(0.15)  # the first turn is running
    again = await client.post(CHAT, json=body, headers=keyed("c-6"))
    first = await first_task

    assert first.status_code == again.status_code == 200
    assert timeless(again.json()) == timeless(first.json())
    assert again.json()["raw_text"] == "slow answer"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(model.requests) == 1
    assert len(await chat_executions(client)) == 1


async def test_a_streamed_repeat_while_the_first_still_runs_follows_it_to_the_end(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(
        tool_call("stock-level", {"sku": "AB-1"}),
        ScriptedReply(content="42", delay_seconds=0.4),
    )
    body = {"message": "stock?", "stream": True}

    first_task = asyncio.create_task(client.post(CHAT, json=body, headers=keyed("c-7")))
    await asyncio.sleep(0.15)
    again = await client.post(CHAT, json=body, headers=keyed("c-7"))
    first = await first_task

    names = [e[1] for e in parse_sse(again.text)]
    assert names == ["session", "tool_call", "tool_result", "delta", "done"]
    assert timeless(parse_sse(again.text)[-1][2]) == timeless(parse_sse(first.text)[-1][2])
    assert len(model.requests) == 2
    assert len(await chat_executions(client)) == 1


async def test_concurrent_repeats_run_the_turn_once(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(ScriptedReply(content="once", delay_seconds=0.1))

    answers = await asyncio.gather(
        *(client.post(CHAT, json={"message": "hi"}, headers=keyed("c-8")) for _ in range(5))
    )

    assert {a.status_code for a in answers} == {200}
    assert {a.json()["execution_id"] for a in answers} == {answers[0].json()["execution_id"]}
    assert {a.json()["raw_text"] for a in answers} == {"once"}
    assert len(model.requests) == 1
    assert len(await chat_executions(client)) == 1
    assert len(await messages_of(client, answers[0].json()["session_id"])) == 2


async def test_a_repeat_of_a_failed_turn_replays_the_failure(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(ScriptedReply(status=400, error_message="bad request"))

    first = await client.post(CHAT, json={"message": "hi"}, headers=keyed("c-9"))
    again = await client.post(CHAT, json={"message": "hi"}, headers=keyed("c-9"))
    streamed = await client.post(CHAT, json={"message": "hi"}, headers=keyed("c-9", **SSE))

    assert first.status_code == again.status_code == 502
    assert again.json() == first.json()
    assert again.json()["error"]["code"] == "llm_bad_request"
    events = parse_sse(streamed.text)
    assert [e[1] for e in events] == ["session", "error"]
    assert events[-1][2] == first.json()
    assert len(model.requests) == 1


async def test_a_first_turn_rejected_before_running_does_not_burn_the_key(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    body = {"message": "hi", "session_id": "sess_000000000000"}

    rejected = await client.post(CHAT, json=body, headers=keyed("c-10"))
    again = await client.post(CHAT, json=body, headers=keyed("c-10"))

    assert rejected.status_code == again.status_code == 404
    assert again.json()["error"]["code"] == "session_not_found"
    assert again.headers["X-Execution-Id"] == rejected.headers["X-Execution-Id"]
    assert model.requests == []


async def test_the_turn_records_its_key(client: httpx.AsyncClient) -> None:
    answer = await client.post(CHAT, json={"message": "hi"}, headers=keyed("c-11"))

    gateway_services = client._transport.app.services  # type: ignore[attr-defined]
    record = await gateway_services.persistence.executions.get(answer.headers["X-Execution-Id"])
    assert record.idempotency_key == "c-11"


async def test_an_empty_or_overlong_key_is_422(client: httpx.AsyncClient) -> None:
    empty = await client.post(CHAT, json={"message": "hi"}, headers=keyed(""))
    overlong = await client.post(CHAT, json={"message": "hi"}, headers=keyed("k" * 256))

    assert empty.status_code == overlong.status_code == 422
    assert "header.Idempotency-Key" in overlong.json()["error"]["message"]


async def test_a_repeat_that_starts_the_turn_again_while_it_is_stored_gets_the_first_answer(
    client: httpx.AsyncClient, model: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race of two requests with one key: the second finds the key taken but the turn not
    stored yet, so it starts the turn under the same id; storing it then fails, and the
    answer is the first turn's."""
    model.push(ScriptedReply(content="the one answer", delay_seconds=0.3))
    first_task = asyncio.create_task(
        client.post(CHAT, json={"message": "hi"}, headers=keyed("c-12"))
    )
    await asyncio.sleep(0.1)  # the first turn is stored and running
    store = client._transport.app.services.persistence.executions  # type: ignore[attr-defined]
    real_get = store.get
    looked_up: list[str] = []

    async def not_stored_yet_the_first_time(execution_id: str) -> Any:
        looked_up.append(execution_id)
        return None if len(looked_up) == 1 else await real_get(execution_id)

    monkeypatch.setattr(store, "get", not_stored_yet_the_first_time)
    again = await client.post(CHAT, json={"message": "hi"}, headers=keyed("c-12"))
    first = await first_task

    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert timeless(again.json()) == timeless(first.json())
    assert len(model.requests) == 1
    monkeypatch.undo()
    assert len(await chat_executions(client)) == 1
    assert len(await messages_of(client, first.json()["session_id"])) == 2
