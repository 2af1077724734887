"""Typed invoke routes: an agent's schemas in OpenAPI, the generic route's behaviour."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from agent_gateway_core.testing import ScriptedLLM, reply

pytestmark = pytest.mark.integration

TRIAGE = "/v1/agents/triage/invoke"


def resolve(openapi: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow a ``$ref`` (or the first ``$ref`` of an ``anyOf``) into components."""
    if "anyOf" in schema:
        schema = next(s for s in schema["anyOf"] if "$ref" in s)
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        resolved: dict[str, Any] = openapi["components"]["schemas"][name]
        return resolved
    return schema


async def test_openapi_shows_the_agents_own_request_and_response(
    client: httpx.AsyncClient,
) -> None:
    openapi = (await client.get("/openapi.json")).json()

    operation = openapi["paths"][TRIAGE]["post"]
    request = resolve(openapi, operation["requestBody"]["content"]["application/json"]["schema"])
    assert set(request["required"]) == {"message", "input"}
    input_schema = resolve(openapi, request["properties"]["input"])
    assert input_schema["required"] == ["tier"]
    assert input_schema["properties"]["tier"]["enum"] == ["free", "pro"]
    assert input_schema["properties"]["tier"]["description"] == "Customer tier"
    assert input_schema["properties"]["seats"]["minimum"] == 1
    response = resolve(
        openapi, operation["responses"]["200"]["content"]["application/json"]["schema"]
    )
    output = resolve(openapi, response["properties"]["output"])
    assert set(output["properties"]) == {"category", "urgent"}
    assert output["properties"]["urgent"]["type"] == "boolean"
    assert operation["summary"] == "Invoke an agent: triage"
    assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
    # Agents without schemas keep to the generic route.
    assert "/v1/agents/assistant/invoke" not in openapi["paths"]
    assert "/v1/agents/{agent_id}/invoke" in openapi["paths"]


async def test_the_typed_route_answers_like_the_generic_one(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(reply('{"category": "billing", "urgent": false}'))

    response = await client.post(
        TRIAGE, json={"message": "Refund?", "input": {"tier": "pro", "seats": 3, "note": "x"}}
    )

    assert response.status_code == 200
    assert response.json()["output"] == {"category": "billing", "urgent": False}
    record = (await client.get(f"/v1/executions/{response.headers['X-Execution-Id']}")).json()
    # The input is stored exactly as sent: no coercion, no defaults, extra keys kept.
    assert record["input"] == {"tier": "pro", "seats": 3, "note": "x"}


async def test_the_typed_route_runs_in_the_background_too(
    client: httpx.AsyncClient, wait_for_status: Callable[..., Awaitable[dict[str, Any]]]
) -> None:
    response = await client.post(
        TRIAGE, json={"message": "hi", "input": {"tier": "free"}, "async": True}
    )

    assert response.status_code == 202
    execution_id = response.json()["execution_id"]
    assert execution_id == response.headers["X-Execution-Id"]
    # The scripted model echoes, which is no JSON: the execution fails the output schema.
    await wait_for_status(execution_id, "failed")


@pytest.mark.parametrize(
    ("input_", "field"),
    [
        ({"tier": "gold"}, "body.input.tier"),
        ({"seats": 2}, "body.input.tier"),
        ({"tier": "pro", "seats": "3"}, "body.input.seats"),
        (None, "body.input.tier"),
    ],
)
async def test_the_typed_route_rejects_bad_input_naming_the_field(
    client: httpx.AsyncClient, model: ScriptedLLM, input_: Any, field: str
) -> None:
    response = await client.post(TRIAGE, json={"message": "hi", "input": input_})

    assert response.status_code == 422
    assert field in response.json()["error"]["message"]
    assert model.requests == []


async def test_the_generic_route_still_serves_other_agents(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/agents/assistant/invoke", json={"message": "hi"})

    assert response.status_code == 200
