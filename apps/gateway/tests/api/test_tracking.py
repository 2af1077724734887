"""X-Agent-Gateway-Tracking: recorded on every execution a request creates, shown, filtered by."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from agent_gateway_core.testing import ScriptedLLM, ScriptedReply, reply

from .conftest import BOB, WaitForStatus

pytestmark = pytest.mark.integration

TRACKING = "X-Agent-Gateway-Tracking"


def tracked(label: str, **headers: str) -> dict[str, str]:
    return {TRACKING: label, **headers}


async def executions(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/v1/executions", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_sync_invoke_records_the_label_shown_on_the_execution_and_in_the_list(
    client: httpx.AsyncClient,
) -> None:
    invoked = await client.post(
        "/v1/agents/assistant/invoke", json={"message": "hi"}, headers=tracked("nightly-sync")
    )
    untracked = await client.post("/v1/agents/assistant/invoke", json={"message": "hi"})

    execution_id = invoked.headers["X-Execution-Id"]
    record = (await client.get(f"/v1/executions/{execution_id}")).json()
    listed = await executions(client)
    assert invoked.status_code == untracked.status_code == 200
    assert record["tracking"] == "nightly-sync"
    assert {item["id"]: item["tracking"] for item in listed["items"]} == {
        execution_id: "nightly-sync",
        untracked.headers["X-Execution-Id"]: None,
    }


async def test_the_list_filters_by_the_label_exactly(client: httpx.AsyncClient) -> None:
    ids: dict[str, list[str]] = {}
    for label in ["run-a", "run-a", "run-b", "Run-A", "run-a-2"]:
        response = await client.post(
            "/v1/agents/assistant/invoke", json={"message": "hi"}, headers=tracked(label)
        )
        ids.setdefault(label, []).append(response.headers["X-Execution-Id"])

    run_a = await executions(client, tracking="run-a")
    run_b = await executions(client, tracking="run-b", agent_id="assistant")
    nothing = await executions(client, tracking="run")

    assert run_a["total"] == 2
    assert {item["id"] for item in run_a["items"]} == set(ids["run-a"])
    assert [item["id"] for item in run_b["items"]] == ids["run-b"]
    assert nothing == {"items": [], "total": 0, "limit": 50, "offset": 0}


async def test_the_filter_shows_only_the_callers_own_executions(client: httpx.AsyncClient) -> None:
    await client.post(
        "/v1/agents/assistant/invoke", json={"message": "hi"}, headers=tracked("shared")
    )
    bobs = await client.post(
        "/v1/agents/assistant/invoke", json={"message": "hi"}, headers=tracked("shared", **BOB)
    )

    seen_by_bob = (await client.get("/v1/executions?tracking=shared", headers=BOB)).json()

    assert [item["id"] for item in seen_by_bob["items"]] == [bobs.headers["X-Execution-Id"]]


@pytest.mark.parametrize(
    "body",
    [{"message": "hi", "async": True}, {"message": "hi", "options": {"async": True}}],
    ids=["async", "options.async"],
)
async def test_a_background_invoke_carries_the_label_through_the_queue(
    client: httpx.AsyncClient, wait_for_status: WaitForStatus, body: dict[str, Any]
) -> None:
    accepted = await client.post(
        "/v1/agents/assistant/invoke", json=body, headers=tracked("queued-run")
    )

    assert accepted.status_code == 202
    done = await wait_for_status(accepted.json()["execution_id"], "succeeded")
    assert done["tracking"] == "queued-run"
    assert (await executions(client, tracking="queued-run"))["total"] == 1


async def test_an_async_agent_and_a_typed_route_record_the_label(
    client: httpx.AsyncClient, model: ScriptedLLM, wait_for_status: WaitForStatus
) -> None:
    model.push(reply('{"category": "bug", "urgent": false}'))
    background = await client.post(
        "/v1/agents/batch/invoke", json={"message": "sum up"}, headers=tracked("mixed")
    )
    typed = await client.post(
        "/v1/agents/triage/invoke",
        json={"message": "it crashes", "input": {"tier": "pro"}},
        headers=tracked("mixed"),
    )

    assert (background.status_code, typed.status_code) == (202, 200)
    await wait_for_status(background.json()["execution_id"], "succeeded")
    listed = await executions(client, tracking="mixed")
    assert {item["agent_id"] for item in listed["items"]} == {"batch", "triage"}


async def test_chat_turns_record_the_label_json_and_streamed(client: httpx.AsyncClient) -> None:
    first = await client.post(
        "/v1/agents/assistant/chat", json={"message": "hi"}, headers=tracked("chatty")
    )
    session_id = first.json()["session_id"]
    streamed = await client.post(
        "/v1/agents/assistant/chat",
        json={"message": "more", "session_id": session_id, "stream": True},
        headers=tracked("chatty"),
    )

    assert first.status_code == streamed.status_code == 200
    listed = await executions(client, tracking="chatty")
    assert listed["total"] == 2
    assert {item["kind"] for item in listed["items"]} == {"chat"}
    assert {item["session_id"] for item in listed["items"]} == {session_id}


async def test_a_failed_execution_keeps_its_label(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(ScriptedReply(status=500))
    failed = await client.post(
        "/v1/agents/assistant/invoke", json={"message": "hi"}, headers=tracked("doomed")
    )

    record = (await client.get(f"/v1/executions/{failed.headers['X-Execution-Id']}")).json()
    assert failed.status_code == 502
    assert (record["status"], record["tracking"]) == ("failed", "doomed")


async def test_a_label_of_200_printable_characters_is_taken_as_sent(
    client: httpx.AsyncClient,
) -> None:
    label = "batch 7: " + "~!#$%&'()*+,-./:;<=>?@[]^_`{|}" + "x" * 161
    assert len(label) == 200

    invoked = await client.post(
        "/v1/agents/assistant/invoke", json={"message": "hi"}, headers=tracked(label)
    )

    assert invoked.status_code == 200
    found = await executions(client, tracking=label)
    assert [item["tracking"] for item in found["items"]] == [label]


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("x" * 201, "string_too_long"),
        ("tab\there", "string_pattern_mismatch"),
        ("caf\u00e9".encode(), "string_pattern_mismatch"),  # UTF-8 bytes
    ],
    ids=["201-chars", "control-character", "not-ascii"],
)
@pytest.mark.parametrize("path", ["invoke", "chat", "typed-invoke"])
async def test_an_invalid_label_is_422_and_runs_nothing(
    client: httpx.AsyncClient, model: ScriptedLLM, label: str | bytes, kind: str, path: str
) -> None:
    url = {
        "invoke": "/v1/agents/assistant/invoke",
        "chat": "/v1/agents/assistant/chat",
        "typed-invoke": "/v1/agents/triage/invoke",
    }[path]
    body: dict[str, Any] = {"message": "hi"}
    if path == "typed-invoke":
        body["input"] = {"tier": "pro"}

    response = await client.post(url, json=body, headers={TRACKING: label})

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "request_validation_error"
    assert error["details"][0]["loc"] == ["header", TRACKING]
    assert error["details"][0]["type"] == kind
    assert model.requests == []
    assert (await executions(client))["total"] == 0


async def test_an_empty_label_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/agents/assistant/invoke", json={"message": "hi"}, headers=tracked("")
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["type"] == "string_too_short"


async def test_an_overlong_filter_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/executions", params={"tracking": "x" * 201})

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["query", "tracking"]


async def test_openapi_documents_the_header_and_the_filter(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]

    def headers_of(path: str) -> set[str]:
        parameters = paths[path]["post"]["parameters"]
        return {p["name"] for p in parameters if p["in"] == "header"}

    assert {TRACKING, "Idempotency-Key"} <= headers_of("/v1/agents/{agent_id}/invoke")
    assert {TRACKING, "Idempotency-Key"} <= headers_of("/v1/agents/{agent_id}/chat")
    assert {TRACKING, "Idempotency-Key"} <= headers_of("/v1/agents/triage/invoke")
    listing = paths["/v1/executions"]["get"]["parameters"]
    assert "tracking" in {p["name"] for p in listing if p["in"] == "query"}
    out = (await client.get("/openapi.json")).json()["components"]["schemas"]["ExecutionOut"]
    assert "tracking" in out["properties"]
