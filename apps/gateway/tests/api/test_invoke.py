"""POST /v1/agents/{agent_id}/invoke: results, and every way a sync invoke can fail."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.testing import ScriptedLLM, ScriptedReply, reply, tool_call

from .conftest import UNREACHABLE_API_BASE

pytestmark = pytest.mark.integration

INVOKE = "/v1/agents/assistant/invoke"


async def test_invoke_returns_the_result_with_its_execution_id_in_body_and_header(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(reply("Hello Ada.", input_tokens=12, output_tokens=3))

    response = await client.post(INVOKE, json={"message": "Hi, I am Ada"})

    assert response.status_code == 200
    body = response.json()
    assert body["execution_id"] == response.headers["X-Execution-Id"]
    assert body["agent_id"] == "assistant"
    assert body["status"] == "succeeded"
    assert body["raw_text"] == "Hello Ada."
    assert body["stop_reason"] == "completed"
    assert body["usage"]["input_tokens"] == 12
    assert body["usage"]["output_tokens"] == 3
    assert body["duration_ms"] >= 0
    stored = (await client.get(f"/v1/executions/{body['execution_id']}")).json()
    assert stored["status"] == "succeeded"
    assert stored["message"] == "Hi, I am Ada"


async def test_the_suite_runs_on_the_scripted_model_not_over_http(
    gateway: Gateway, client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    response = await client.post(INVOKE, json={"message": "Are you real?"})

    assert response.status_code == 200
    assert response.json()["raw_text"] == "echo: Are you real?"
    services = gateway.services
    assert services is not None
    assert services.llm is model
    [request] = model.requests
    assert request.model == "openai/gpt-4o-mini"
    assert (request.messages[-1].role, request.messages[-1].content) == ("user", "Are you real?")
    # gateway.yaml's api_base reaches the client with the request, and nothing listens there:
    # a model call that went over HTTP instead would have failed.
    assert request.api_base == UNREACHABLE_API_BASE
    address = urlsplit(UNREACHABLE_API_BASE)
    assert address.hostname is not None
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection(address.hostname, address.port)


async def test_invoke_runs_the_agents_tools(client: httpx.AsyncClient, model: ScriptedLLM) -> None:
    model.push(tool_call("stock-level", {"sku": "AB-1"}), reply("42 units."))

    response = await client.post(INVOKE, json={"message": "Stock of AB-1?"})

    assert response.json()["raw_text"] == "42 units."
    assert response.json()["usage"]["tool_calls"] == 1
    tool_message = model.requests[1].messages[-1]
    assert tool_message.role == "tool"
    assert tool_message.content is not None
    assert json.loads(tool_message.content) == {"sku": "AB-1", "units": 42}


async def test_options_override_the_model_settings(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    options = {"model": "openai/gpt-4o", "temperature": 0.7, "max_tokens": 33}

    response = await client.post(INVOKE, json={"message": "hi", "options": options})

    assert response.status_code == 200
    sent = model.requests[0]
    assert (sent.model, sent.temperature, sent.max_tokens) == ("openai/gpt-4o", 0.7, 33)


async def test_structured_output_comes_back_parsed(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(reply('{"category": "bug", "urgent": true}'))

    response = await client.post(
        "/v1/agents/triage/invoke", json={"message": "It crashes", "input": {"tier": "pro"}}
    )

    assert response.status_code == 200
    assert response.json()["output"] == {"category": "bug", "urgent": True}


async def test_an_unknown_agent_is_404_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/agents/nobody/invoke", json={"message": "hi"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "agent_not_found"
    assert "'nobody'" in response.json()["error"]["message"]
    assert response.headers["X-Execution-Id"]


async def test_a_disabled_agent_is_403(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/agents/dormant/invoke", json={"message": "hi"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "agent_disabled"
    assert "'dormant'" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body.message"),
        ({"message": 5}, "body.message"),
        ({"message": "hi", "mesage": "typo"}, "body.mesage"),
        ({"message": "hi", "options": {"temperature": 3}}, "body.options.temperature"),
        ({"message": "hi", "options": {"timeout_ms": 0}}, "body.options.timeout_ms"),
        (
            {"message": "hi", "options": {"output_schema": {"type": 12}}},
            "body.options.output_schema",
        ),
        ({"message": "hi", "input": [1, 2]}, "body.input"),
    ],
)
async def test_a_bad_body_is_422_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await client.post(INVOKE, json=body)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "request_validation_error"
    assert field in error["message"]
    assert [".".join(map(str, d["loc"])) for d in error["details"]] == [field]


async def test_malformed_json_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        INVOKE, content=b'{"message": ', headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["type"] == "json_invalid"


async def test_input_failing_the_agents_input_schema_is_422_with_the_problem(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    # ``minimum`` is checked by the agent's schema itself, after the typed body parsed.
    response = await client.post(
        "/v1/agents/triage/invoke", json={"message": "hi", "input": {"tier": "pro", "seats": 0}}
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "input_validation_error"
    assert "'triage'" in error["message"]
    assert error["details"] == ["seats: 0 is less than the minimum of 1"]
    assert model.requests == []


async def test_a_model_failure_is_502_with_the_execution_id_in_body_and_header(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    # A client's error is final (retries are the adapter's own, tested with it): one is enough.
    model.push(ScriptedReply(status=500, error_message="boom"))

    response = await client.post(INVOKE, json={"message": "hi"})

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "llm_service_error"
    # The kind of failure and the model; the provider's own text is for the log only.
    assert error["message"] == (
        "model call failed: service error (provider 'openai', model 'openai/gpt-4o-mini', HTTP 500)"
    )
    assert error["execution_id"] == response.headers["X-Execution-Id"]
    stored = (await client.get(f"/v1/executions/{error['execution_id']}")).json()
    assert stored["status"] == "failed"
    assert len(model.requests) == 1


async def test_a_model_that_hangs_past_timeout_ms_is_504(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(ScriptedReply(hang=True))

    response = await client.post(INVOKE, json={"message": "hi", "options": {"timeout_ms": 1000}})

    assert response.status_code == 504
    error = response.json()["error"]
    assert error["code"] == "execution_timeout"
    assert "timed out" in error["message"]
    assert error["execution_id"] == response.headers["X-Execution-Id"]
    stored = (await client.get(f"/v1/executions/{error['execution_id']}")).json()
    assert stored["status"] == "timed_out"


async def test_an_answer_failing_the_output_schema_is_502_with_the_problems(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(reply('{"category": "other"}'), reply('{"category": "other"}'))

    response = await client.post(
        "/v1/agents/triage/invoke", json={"message": "hi", "input": {"tier": "free"}}
    )

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "output_validation_error"
    assert any("category" in d for d in error["details"])
    assert error["execution_id"] == response.headers["X-Execution-Id"]
