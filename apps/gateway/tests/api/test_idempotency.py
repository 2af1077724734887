"""Idempotency-Key on invoke: a repeat gets the original execution, never a second one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from agent_gateway_core.testing import ScriptedLLM, ScriptedReply, reply

pytestmark = pytest.mark.integration

INVOKE = "/v1/agents/assistant/invoke"
BOB = {"Authorization": "Bearer sk-bob"}


def keyed(key: str, **headers: str) -> dict[str, str]:
    return {"Idempotency-Key": key, **headers}


async def test_a_repeat_returns_the_stored_result_without_calling_the_model_again(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(reply("first answer"), reply("second answer"))
    body = {"message": "hi", "input": {"a": 1, "b": 2}}

    first = await client.post(INVOKE, json=body, headers=keyed("k-1"))
    # The same JSON with its keys in another order is the same request.
    again = await client.post(
        INVOKE, json={"input": {"b": 2, "a": 1}, "message": "hi"}, headers=keyed("k-1")
    )

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.json()["raw_text"] == "first answer"
    assert again.headers["X-Execution-Id"] == first.headers["X-Execution-Id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(model.requests) == 1


async def test_the_same_key_with_another_body_is_409(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    first = await client.post(INVOKE, json={"message": "hi"}, headers=keyed("k-2"))

    response = await client.post(INVOKE, json={"message": "bye"}, headers=keyed("k-2"))

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "idempotency_conflict"
    assert "'k-2'" in error["message"]
    assert first.json()["execution_id"] in error["message"]
    assert len(model.requests) == 1


async def test_keys_are_per_caller(client: httpx.AsyncClient) -> None:
    alice = await client.post(INVOKE, json={"message": "hi"}, headers=keyed("shared"))
    bob = await client.post(INVOKE, json={"message": "hi"}, headers=keyed("shared", **BOB))

    assert bob.status_code == 200
    assert bob.json()["execution_id"] != alice.json()["execution_id"]


async def test_a_repeat_of_a_failed_execution_replays_the_failure(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(ScriptedReply(hang=True))
    body = {"message": "hi", "options": {"timeout_ms": 1000}}

    first = await client.post(INVOKE, json=body, headers=keyed("k-3"))
    again = await client.post(INVOKE, json=body, headers=keyed("k-3"))

    assert first.status_code == again.status_code == 504
    assert again.json() == first.json()
    assert again.json()["error"]["code"] == "execution_timeout"


async def test_a_repeat_while_the_first_still_runs_is_202_with_the_same_id(
    client: httpx.AsyncClient,
    model: ScriptedLLM,
    wait_for_status: Callable[..., Awaitable[dict[str, Any]]],
) -> None:
    model.push(ScriptedReply(delay_seconds=0.5, content="slow"))
    body = {"message": "hi", "async": True}

    first = await client.post(INVOKE, json=body, headers=keyed("k-4"))
    again = await client.post(INVOKE, json=body, headers=keyed("k-4"))

    assert first.status_code == again.status_code == 202
    assert again.json()["execution_id"] == first.json()["execution_id"]
    assert again.json()["status"] in ("queued", "running")
    await wait_for_status(first.json()["execution_id"], "succeeded")
    done = await client.post(INVOKE, json=body, headers=keyed("k-4"))
    assert done.status_code == 200
    assert done.json()["raw_text"] == "slow"
    assert len(model.requests) == 1


async def test_a_first_request_rejected_before_running_does_not_burn_the_key(
    client: httpx.AsyncClient,
) -> None:
    body = {"message": "hi", "input": {"tier": "pro", "seats": 0}}
    rejected = await client.post("/v1/agents/triage/invoke", json=body, headers=keyed("k-5"))
    again = await client.post("/v1/agents/triage/invoke", json=body, headers=keyed("k-5"))

    assert rejected.status_code == again.status_code == 422
    assert again.json()["error"]["code"] == "input_validation_error"
    assert again.headers["X-Execution-Id"] == rejected.headers["X-Execution-Id"]


async def test_an_empty_or_overlong_key_is_422(client: httpx.AsyncClient) -> None:
    empty = await client.post(INVOKE, json={"message": "hi"}, headers=keyed(""))
    overlong = await client.post(INVOKE, json={"message": "hi"}, headers=keyed("k" * 256))

    assert empty.status_code == overlong.status_code == 422
    assert "header.Idempotency-Key" in overlong.json()["error"]["message"]
