"""GET /v1/executions: the caller's records, filtered and paginated; events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from agent_gateway_core.testing import ScriptedLLM, ScriptedReply

pytestmark = pytest.mark.integration

BOB = {"Authorization": "Bearer sk-bob"}


async def invoke(
    client: httpx.AsyncClient, agent_id: str = "assistant", headers: dict[str, str] | None = None
) -> str:
    body: dict[str, object] = {"message": "hi"}
    if agent_id == "triage":
        body["input"] = {"tier": "free"}
    response = await client.post(f"/v1/agents/{agent_id}/invoke", json=body, headers=headers)
    execution_id: str = response.headers["X-Execution-Id"]
    return execution_id


async def test_list_is_newest_first_and_paginated(client: httpx.AsyncClient) -> None:
    ids = [await invoke(client) for _ in range(3)]

    first = (await client.get("/v1/executions", params={"limit": 2})).json()
    second = (await client.get("/v1/executions", params={"limit": 2, "offset": 2})).json()

    assert [e["id"] for e in first["items"]] == ids[::-1][:2]
    assert [e["id"] for e in second["items"]] == ids[:1]
    assert (first["total"], first["limit"], first["offset"]) == (3, 2, 0)
    item = first["items"][0]
    assert item["status"] == "succeeded"
    assert item["usage"]["llm_calls"] == 1
    assert item["finished_at"] is not None
    assert "user_id" not in item


async def test_list_filters_by_agent_status_and_since(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(ScriptedReply(hang=True))
    timed_out = (
        await client.post(
            "/v1/agents/assistant/invoke", json={"message": "hi", "options": {"timeout_ms": 1000}}
        )
    ).headers["X-Execution-Id"]
    model.push(ScriptedReply(content='{"category": "bug", "urgent": false}'))
    triaged = await invoke(client, "triage")

    by_agent = (await client.get("/v1/executions", params={"agent_id": "triage"})).json()
    by_status = (await client.get("/v1/executions", params={"status": "timed_out"})).json()
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    since_future = (await client.get("/v1/executions", params={"since": future})).json()
    naive_past = (
        await client.get("/v1/executions", params={"since": "2000-01-01T00:00:00"})
    ).json()

    assert [e["id"] for e in by_agent["items"]] == [triaged]
    assert [e["id"] for e in by_status["items"]] == [timed_out]
    assert since_future["total"] == 0
    assert naive_past["total"] == 2


async def test_list_shows_only_the_callers_executions(client: httpx.AsyncClient) -> None:
    mine = await invoke(client)
    await invoke(client, headers=BOB)

    listed = (await client.get("/v1/executions")).json()

    assert [e["id"] for e in listed["items"]] == [mine]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "query.limit"),
        ({"limit": 201}, "query.limit"),
        ({"offset": -1}, "query.offset"),
        ({"status": "sleeping"}, "query.status"),
        ({"since": "yesterday"}, "query.since"),
    ],
)
async def test_bad_filters_are_422_naming_the_parameter(
    client: httpx.AsyncClient, params: dict[str, str | int], field: str
) -> None:
    response = await client.get("/v1/executions", params=params)

    assert response.status_code == 422
    assert field in response.json()["error"]["message"]


async def test_get_returns_the_record_or_404(client: httpx.AsyncClient) -> None:
    execution_id = await invoke(client)

    mine = await client.get(f"/v1/executions/{execution_id}")
    as_bob = await client.get(f"/v1/executions/{execution_id}", headers=BOB)
    unknown = await client.get("/v1/executions/nope")

    assert mine.json()["raw_text"] == "echo: hi"
    assert mine.json()["created_at"] <= mine.json()["started_at"] <= mine.json()["finished_at"]
    assert as_bob.status_code == unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "execution_not_found"


async def test_events_in_order_and_after_a_seq(client: httpx.AsyncClient) -> None:
    execution_id = await invoke(client)

    events = (await client.get(f"/v1/executions/{execution_id}/events")).json()
    after = (await client.get(f"/v1/executions/{execution_id}/events", params={"after": 1})).json()
    as_bob = await client.get(f"/v1/executions/{execution_id}/events", headers=BOB)

    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "execution.started"
    assert events[-1]["type"] == "execution.completed"
    assert after == events[1:]
    assert as_bob.status_code == 404
