"""Background invokes through the queue, and cancelling executions."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.testing import ScriptedLLM, ScriptedReply, reply

pytestmark = pytest.mark.integration

Eventually = Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]]
WaitForStatus = Callable[..., Awaitable[dict[str, Any]]]

BOB = {"Authorization": "Bearer sk-bob"}


async def test_async_invoke_answers_202_and_the_queue_runs_it(
    client: httpx.AsyncClient, model: ScriptedLLM, wait_for_status: WaitForStatus
) -> None:
    model.push(reply("done later"))

    response = await client.post(
        "/v1/agents/assistant/invoke", json={"message": "hi", "async": True}
    )

    assert response.status_code == 202
    execution_id = response.json()["execution_id"]
    assert response.json()["status"] == "queued"
    assert response.headers["X-Execution-Id"] == execution_id
    finished = await wait_for_status(execution_id, "succeeded", "failed")
    assert finished["status"] == "succeeded"
    assert finished["raw_text"] == "done later"
    events = (await client.get(f"/v1/executions/{execution_id}/events")).json()
    assert [e["type"] for e in events][:2] == ["execution.queued", "execution.started"]
    assert events[-1]["type"] == "execution.completed"


async def test_options_async_as_the_existing_product_sends_it_answers_202_with_a_location(
    client: httpx.AsyncClient, model: ScriptedLLM, wait_for_status: WaitForStatus
) -> None:
    model.push(reply("done later"))
    body = {"message": "hi", "options": {"async": True, "timeout_ms": 60_000}}

    response = await client.post("/v1/agents/assistant/invoke", json=body)

    assert response.status_code == 202
    execution_id = response.json()["execution_id"]
    assert response.headers["Location"] == f"/v1/executions/{execution_id}"
    assert response.json()["poll_url"] == f"/v1/executions/{execution_id}"
    followed = await wait_for_status(execution_id, "succeeded")
    assert followed["raw_text"] == "done later"


@pytest.mark.parametrize("timeout_ms", [999, 300_001])
async def test_timeout_ms_is_between_1_000_and_300_000_as_in_the_existing_product(
    client: httpx.AsyncClient, timeout_ms: int
) -> None:
    body = {"message": "hi", "options": {"timeout_ms": timeout_ms}}

    response = await client.post("/v1/agents/assistant/invoke", json=body)

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["body", "options", "timeout_ms"]


async def test_background_executions_keep_the_options(
    client: httpx.AsyncClient, model: ScriptedLLM, wait_for_status: WaitForStatus
) -> None:
    response = await client.post(
        "/v1/agents/assistant/invoke",
        json={"message": "hi", "async": True, "options": {"model": "openai/gpt-4o"}},
    )

    await wait_for_status(response.json()["execution_id"], "succeeded")
    assert model.requests[0].model == "openai/gpt-4o"


async def test_an_agent_with_execution_mode_async_always_answers_202(
    client: httpx.AsyncClient, wait_for_status: WaitForStatus
) -> None:
    response = await client.post("/v1/agents/batch/invoke", json={"message": "summarise"})

    assert response.status_code == 202
    assert response.headers["Location"] == f"/v1/executions/{response.json()['execution_id']}"
    await wait_for_status(response.json()["execution_id"], "succeeded")


async def test_async_invoke_checks_the_request_before_accepting_it(
    client: httpx.AsyncClient,
) -> None:
    bad_input = {"message": "hi", "async": True, "input": {"tier": "pro", "seats": 0}}

    response = await client.post("/v1/agents/triage/invoke", json=bad_input)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "input_validation_error"
    listed = (await client.get("/v1/executions", params={"agent_id": "triage"})).json()
    assert listed["total"] == 0


async def test_cancelling_a_running_execution(
    client: httpx.AsyncClient, model: ScriptedLLM, wait_for_status: WaitForStatus
) -> None:
    model.push(ScriptedReply(hang=True))
    accepted = await client.post(
        "/v1/agents/assistant/invoke", json={"message": "hi", "async": True}
    )
    execution_id = accepted.json()["execution_id"]
    await wait_for_status(execution_id, "running")

    response = await client.post(f"/v1/executions/{execution_id}/cancel")

    assert response.status_code == 202
    assert response.json() == {"execution_id": execution_id, "cancel_requested": True}
    cancelled = await wait_for_status(execution_id, "cancelled", "failed", "succeeded")
    assert cancelled["status"] == "cancelled"
    assert cancelled["stop_reason"] == "cancelled"


async def test_cancelling_a_queued_execution_records_it_cancelled_at_once(
    gateway: Gateway, client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    services = gateway.services
    assert services is not None
    await services.runtime.stop_worker()  # the job stays queued
    accepted = await client.post(
        "/v1/agents/assistant/invoke", json={"message": "hi", "async": True}
    )
    execution_id = accepted.json()["execution_id"]

    response = await client.post(f"/v1/executions/{execution_id}/cancel")

    assert response.status_code == 202
    record = (await client.get(f"/v1/executions/{execution_id}")).json()
    assert record["status"] == "cancelled"
    assert "before it started" in record["error"]
    events = (await client.get(f"/v1/executions/{execution_id}/events")).json()
    assert events[-1]["type"] == "execution.cancelled"
    assert services.queue is not None
    assert await services.queue.is_cancel_requested(execution_id)
    assert model.requests == []


async def test_cancelling_a_finished_execution_is_409(client: httpx.AsyncClient) -> None:
    done = await client.post("/v1/agents/assistant/invoke", json={"message": "hi"})
    execution_id = done.json()["execution_id"]

    response = await client.post(f"/v1/executions/{execution_id}/cancel")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "already finished (succeeded)" in response.json()["error"]["message"]


async def test_cancelling_an_unknown_or_someone_elses_execution_is_404(
    client: httpx.AsyncClient,
) -> None:
    unknown = await client.post("/v1/executions/nope/cancel")
    done = await client.post("/v1/agents/assistant/invoke", json={"message": "hi"})
    others = await client.post(f"/v1/executions/{done.json()['execution_id']}/cancel", headers=BOB)

    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "execution_not_found"
    assert "'nope'" in unknown.json()["error"]["message"]
    assert others.status_code == 404


async def test_a_sync_invoke_cancelled_while_running_is_409(
    client: httpx.AsyncClient, model: ScriptedLLM, eventually: Eventually
) -> None:
    model.push(ScriptedReply(hang=True))
    invoke = asyncio.create_task(client.post("/v1/agents/assistant/invoke", json={"message": "x"}))

    async def running() -> list[dict[str, Any]]:
        listed = await client.get("/v1/executions", params={"status": "running"})
        items: list[dict[str, Any]] = listed.json()["items"]
        return items

    [execution] = await eventually(running)
    await client.post(f"/v1/executions/{execution['id']}/cancel")
    response = await invoke

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "execution_cancelled"
    assert response.headers["X-Execution-Id"] == execution["id"]
