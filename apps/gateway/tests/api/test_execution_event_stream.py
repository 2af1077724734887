"""GET /v1/executions/{id}/events as Server-Sent Events: ids are seqs, Last-Event-ID resumes."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from agent_gateway_core.testing import ScriptedLLM, ScriptedReply, reply, tool_call

from .conftest import ALICE, BOB, NewGateway, WaitForStatus

pytestmark = pytest.mark.integration

SSE = {"Accept": "text/event-stream"}
TERMINAL = "execution.completed"


def parse(text: str) -> list[dict[str, Any]]:
    """Each event of an event-stream body as its fields (comments dropped, data decoded)."""
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":")
        )
        if fields:
            fields["data"] = json.loads(fields["data"])
            events.append(fields)
    return events


async def log_of(client: httpx.AsyncClient, execution_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/executions/{execution_id}/events")
    assert response.status_code == 200
    events: list[dict[str, Any]] = response.json()
    return events


async def finished_execution(client: httpx.AsyncClient, model: ScriptedLLM) -> str:
    model.push(tool_call("stock-level", {"sku": "AB-1"}), reply("42"))
    invoked = await client.post("/v1/agents/assistant/invoke", json={"message": "stock?"})
    assert invoked.status_code == 200
    execution_id: str = invoked.headers["X-Execution-Id"]
    return execution_id


async def test_a_finished_execution_streams_its_whole_log_then_ends(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    execution_id = await finished_execution(client, model)

    response = await client.get(f"/v1/executions/{execution_id}/events", headers=SSE)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["Cache-Control"] == "no-cache"
    assert "ETag" not in response.headers
    events = parse(response.text)
    stored = await log_of(client, execution_id)
    assert [int(e["id"]) for e in events] == [e["seq"] for e in stored] == [1, 2, 3, 4, 5, 6]
    assert [e["event"] for e in events] == [e["type"] for e in stored]
    assert [e["data"] for e in events] == stored
    assert events[-1]["event"] == TERMINAL


@pytest.mark.parametrize("last_seen", [0, 1, 3, 5, 6])
async def test_last_event_id_resumes_right_after_that_event(
    client: httpx.AsyncClient, model: ScriptedLLM, last_seen: int
) -> None:
    execution_id = await finished_execution(client, model)

    response = await client.get(
        f"/v1/executions/{execution_id}/events",
        headers={**SSE, "Last-Event-ID": str(last_seen)},
    )

    assert [int(e["id"]) for e in parse(response.text)] == list(range(last_seen + 1, 7))


async def test_after_and_last_event_id_start_after_the_later_one(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    execution_id = await finished_execution(client, model)
    url = f"/v1/executions/{execution_id}/events"

    header_later = await client.get(url, params={"after": 2}, headers={**SSE, "Last-Event-ID": "4"})
    query_later = await client.get(url, params={"after": 4}, headers={**SSE, "Last-Event-ID": "2"})
    as_json = await client.get(url, params={"after": 1}, headers={"Last-Event-ID": "3"})

    assert [int(e["id"]) for e in parse(header_later.text)] == [5, 6]
    assert [int(e["id"]) for e in parse(query_later.text)] == [5, 6]
    assert [e["seq"] for e in as_json.json()] == [4, 5, 6]


@pytest.fixture
def served(new_gateway: NewGateway) -> Iterator[str]:
    """The gateway served by uvicorn on 127.0.0.1 (a thread of its own), so a stream is read
    as it is sent and a connection can really drop; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(new_gateway(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the gateway did not start"
        assert time.monotonic() < deadline, "the gateway took more than 30 s to start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def slow_tool_round(model: ScriptedLLM, delay: float) -> None:
    model.push(
        ScriptedReply(
            tool_calls=tool_call("stock-level", {"sku": "A"}).tool_calls, delay_seconds=delay
        ),
        ScriptedReply(content="42", delay_seconds=delay),
    )


async def test_a_running_execution_is_followed_as_its_events_are_stored(
    served: str, model: ScriptedLLM
) -> None:
    slow_tool_round(model, 0.3)
    async with httpx.AsyncClient(base_url=served, headers=ALICE, timeout=30) as client:
        accepted = await client.post(
            "/v1/agents/assistant/invoke", json={"message": "hi", "async": True}
        )
        execution_id = accepted.json()["execution_id"]
        url = f"/v1/executions/{execution_id}/events"

        arrivals: list[tuple[float, list[dict[str, Any]]]] = []
        async with client.stream("GET", url, headers=SSE) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            buffer = ""
            async for chunk in response.aiter_text():
                buffer += chunk
                complete, _, buffer = buffer.rpartition("\n\n")
                if complete:
                    arrivals.append((time.monotonic(), parse(complete)))
        stored = await log_of(client, execution_id)

    received = [event for _, batch in arrivals for event in batch]
    assert [e["data"] for e in received] == stored
    assert received[-1]["event"] == TERMINAL
    assert len(arrivals) >= 2  # sent as they were stored, not all at the end
    assert arrivals[-1][0] - arrivals[0][0] > 0.2


async def test_a_dropped_stream_resumed_with_last_event_id_loses_and_repeats_nothing(
    served: str, model: ScriptedLLM
) -> None:
    slow_tool_round(model, 0.3)
    async with httpx.AsyncClient(base_url=served, headers=ALICE, timeout=30) as client:
        accepted = await client.post(
            "/v1/agents/assistant/invoke", json={"message": "hi", "async": True}
        )
        execution_id = accepted.json()["execution_id"]
        url = f"/v1/executions/{execution_id}/events"

        first_part: list[dict[str, Any]] = []
        async with client.stream("GET", url, headers=SSE) as response:
            buffer = ""
            async for chunk in response.aiter_text():
                buffer += chunk
                if "\n\n" in buffer:
                    first_part = parse(buffer.rpartition("\n\n")[0])
                    break  # the connection drops here, the execution still running
        resumed = await client.get(url, headers={**SSE, "Last-Event-ID": first_part[-1]["id"]})
        stored = await log_of(client, execution_id)

    seen = [e["data"] for e in first_part + parse(resumed.text)]
    assert 0 < len(first_part) < len(stored)
    assert seen == stored  # every event once, in order
    assert seen[-1]["type"] == TERMINAL
    assert len(model.requests) == 2


async def test_an_execution_that_ended_past_the_last_event_id_ends_at_once(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    execution_id = await finished_execution(client, model)

    response = await client.get(
        f"/v1/executions/{execution_id}/events", headers={**SSE, "Last-Event-ID": "99"}
    )

    assert response.status_code == 200
    assert parse(response.text) == []


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", " 2", str(2**31)])
async def test_an_invalid_last_event_id_is_422(
    client: httpx.AsyncClient, model: ScriptedLLM, value: str
) -> None:
    execution_id = await finished_execution(client, model)

    response = await client.get(
        f"/v1/executions/{execution_id}/events", headers={**SSE, "Last-Event-ID": value}
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["header", "Last-Event-ID"]


async def test_another_callers_execution_is_404_not_a_stream(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    execution_id = await finished_execution(client, model)

    response = await client.get(f"/v1/executions/{execution_id}/events", headers={**SSE, **BOB})

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"


async def test_a_cancelled_queued_execution_ends_its_stream(
    client: httpx.AsyncClient, model: ScriptedLLM, wait_for_status: WaitForStatus
) -> None:
    model.push(ScriptedReply(hang=True))
    accepted = await client.post(
        "/v1/agents/assistant/invoke", json={"message": "hi", "async": True}
    )
    execution_id = accepted.json()["execution_id"]
    url = f"/v1/executions/{execution_id}/events"

    async def follow() -> list[dict[str, Any]]:
        return parse((await client.get(url, headers=SSE)).text)

    following = asyncio.create_task(follow())
    await asyncio.sleep(0.2)
    cancelled = await client.post(f"/v1/executions/{execution_id}/cancel")
    events = await asyncio.wait_for(following, 5)

    assert cancelled.status_code == 202
    await wait_for_status(execution_id, "cancelled")
    assert events[-1]["event"] == "execution.cancelled"
    assert [e["data"] for e in events] == await log_of(client, execution_id)


async def test_openapi_documents_the_stream_and_the_header(client: httpx.AsyncClient) -> None:
    operation = (await client.get("/openapi.json")).json()["paths"][
        "/v1/executions/{execution_id}/events"
    ]["get"]

    assert "text/event-stream" in operation["responses"]["200"]["content"]
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert "Last-Event-ID" in headers
