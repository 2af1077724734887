"""Idempotency-Key on background invokes (202): one execution per key, counted on the server."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from agent_gateway_core.testing import ScriptedLLM, ScriptedReply

from .conftest import WaitForStatus

pytestmark = pytest.mark.integration

BACKGROUND = [
    ("assistant", {"message": "hi", "async": True}),
    ("assistant", {"message": "hi", "options": {"async": True}}),
    ("batch", {"message": "hi"}),  # execution_mode: async
]
IDS = ["async", "options.async", "execution_mode-async"]


def keyed(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


async def executions_of(client: httpx.AsyncClient, agent_id: str) -> list[dict[str, Any]]:
    page = (await client.get("/v1/executions", params={"agent_id": agent_id})).json()
    items: list[dict[str, Any]] = page["items"]
    return items


@pytest.mark.parametrize(("agent_id", "body"), BACKGROUND, ids=IDS)
async def test_a_repeated_background_invoke_is_one_execution(
    client: httpx.AsyncClient,
    model: ScriptedLLM,
    wait_for_status: WaitForStatus,
    agent_id: str,
    body: dict[str, Any],
) -> None:
    model.push(ScriptedReply(content="done once", delay_seconds=0.2))
    url = f"/v1/agents/{agent_id}/invoke"

    first = await client.post(url, json=body, headers=keyed("bg-1"))
    while_running = await client.post(url, json=body, headers=keyed("bg-1"))
    execution_id = first.json()["execution_id"]
    await wait_for_status(execution_id, "succeeded")
    after_it_ended = await client.post(url, json=body, headers=keyed("bg-1"))

    assert first.status_code == while_running.status_code == 202
    assert first.headers["Location"] == while_running.headers["Location"]
    assert while_running.json()["execution_id"] == execution_id
    assert while_running.headers["Idempotent-Replayed"] == "true"
    assert after_it_ended.status_code == 200
    assert after_it_ended.json()["execution_id"] == execution_id
    assert after_it_ended.json()["raw_text"] == "done once"
    assert [item["id"] for item in await executions_of(client, agent_id)] == [execution_id]
    assert len(model.requests) == 1


@pytest.mark.parametrize(("agent_id", "body"), BACKGROUND, ids=IDS)
async def test_the_same_key_with_another_body_is_409(
    client: httpx.AsyncClient,
    wait_for_status: WaitForStatus,
    agent_id: str,
    body: dict[str, Any],
) -> None:
    url = f"/v1/agents/{agent_id}/invoke"
    first = await client.post(url, json=body, headers=keyed("bg-2"))

    other = await client.post(url, json={**body, "message": "bye"}, headers=keyed("bg-2"))

    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_conflict"
    await wait_for_status(first.json()["execution_id"], "succeeded")
    assert len(await executions_of(client, agent_id)) == 1


async def test_concurrent_background_repeats_accept_one_execution(
    client: httpx.AsyncClient, model: ScriptedLLM, wait_for_status: WaitForStatus
) -> None:
    body = {"message": "hi", "async": True}

    answers = await asyncio.gather(
        *(
            client.post("/v1/agents/assistant/invoke", json=body, headers=keyed("bg-3"))
            for _ in range(5)
        )
    )

    assert {a.status_code for a in answers} == {202}
    execution_ids = {a.json()["execution_id"] for a in answers}
    assert len(execution_ids) == 1
    await wait_for_status(execution_ids.pop(), "succeeded")
    assert len(await executions_of(client, "assistant")) == 1
    assert len(model.requests) == 1


async def test_a_sync_repeat_that_starts_again_while_the_first_is_stored_gets_its_answer(
    client: httpx.AsyncClient, model: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests with one key: the second finds the key taken but the execution not
    stored yet, so it runs under the same id; storing it then fails, and it answers with
    the first one's execution (202 while it runs), never running the model again."""
    model.push(ScriptedReply(content="only once", delay_seconds=0.3))
    url = "/v1/agents/assistant/invoke"
    first_task = asyncio.create_task(client.post(url, json={"message": "hi"}, headers=keyed("k")))
    await asyncio.sleep(0.1)
    store = client._transport.app.services.persistence.executions  # type: ignore[attr-defined]
    real_get = store.get
    calls: list[str] = []

    async def not_stored_yet_the_first_time(execution_id: str) -> Any:
        calls.append(execution_id)
        return None if len(calls) == 1 else await real_get(execution_id)

    monkeypatch.setattr(store, "get", not_stored_yet_the_first_time)
    again = await client.post(url, json={"message": "hi"}, headers=keyed("k"))
    first = await first_task
    monkeypatch.undo()

    assert first.status_code == 200
    assert again.status_code == 202
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["execution_id"] == first.json()["execution_id"]
    assert len(model.requests) == 1
    assert len(await executions_of(client, "assistant")) == 1
