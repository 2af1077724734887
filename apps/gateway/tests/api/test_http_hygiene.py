"""HTTP hygiene: ``Allow`` on 405 and OPTIONS names every method of the path, and OpenAPI
documents every status an operation can answer, with the standard error body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from agent_gateway import Gateway

from .conftest import NewGateway

pytestmark = pytest.mark.integration

ALLOWED = [
    ("/v1/sessions/sess_1", "GET, DELETE, OPTIONS"),
    ("/v1/agents/assistant/config", "GET, POST, DELETE, OPTIONS"),
    ("/v1/agents/assistant/invoke", "POST, OPTIONS"),
    ("/v1/agents/triage/invoke", "POST, OPTIONS"),  # a typed route over the generic one
    ("/v1/agents/assistant", "GET, OPTIONS"),
    ("/v1/executions", "GET, OPTIONS"),
    ("/v1/executions/x/cancel", "POST, OPTIONS"),
    ("/v1/health", "GET, OPTIONS"),
]


@pytest.mark.parametrize(("path", "allow"), ALLOWED)
async def test_options_answers_204_with_every_method_of_the_path(
    client: httpx.AsyncClient, path: str, allow: str
) -> None:
    response = await client.options(path, headers={})

    assert response.status_code == 204
    assert response.headers["allow"] == allow
    assert response.content == b""


@pytest.mark.parametrize(("path", "allow"), ALLOWED)
async def test_a_405_names_every_method_of_the_path(
    client: httpx.AsyncClient, path: str, allow: str
) -> None:
    response = await client.put(path, json={})

    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["error"]["code"] == "method_not_allowed"


async def test_options_on_an_unknown_path_is_404(client: httpx.AsyncClient) -> None:
    response = await client.options("/v1/nothing-here")

    assert response.status_code == 404


@pytest.fixture
async def cors_client(
    new_gateway: NewGateway, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("AGENT_GATEWAY_CORS__ENABLED", "true")
    async with new_gateway() as gw:
        transport = httpx.ASGITransport(app=gw)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield http


async def test_with_cors_on_a_preflight_is_still_answered_by_cors(
    cors_client: httpx.AsyncClient,
) -> None:
    preflight = await cors_client.options(
        "/v1/sessions/sess_1",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "DELETE"},
    )
    plain = await cors_client.options("/v1/sessions/sess_1", headers={"Origin": "https://a.b"})

    assert preflight.status_code == 200
    assert "DELETE" in preflight.headers["access-control-allow-methods"]
    assert plain.status_code == 204
    assert plain.headers["allow"] == "GET, DELETE, OPTIONS"
    assert plain.headers["access-control-allow-origin"] == "*"


# ---------------------------------------------------------------- OpenAPI

METHODS = ("get", "post", "put", "patch", "delete")
ERROR_BODY = "#/components/schemas/ErrorBody"
STORE_PATHS = ("/v1/executions", "/v1/users/me/conversations", "/v1/agents/{agent_id}")


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, item[method])
        for path, item in spec["paths"].items()
        for method in METHODS
        if method in item
    ]


async def openapi(client: httpx.AsyncClient) -> dict[str, Any]:
    spec: dict[str, Any] = (await client.get("/openapi.json")).json()
    return spec


async def test_every_error_status_is_documented_with_the_standard_body(
    client: httpx.AsyncClient,
) -> None:
    spec = await openapi(client)

    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for method, path, operation in operations(spec):
        if path == "/v1/health":  # its 503 is the health report itself
            continue
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_BODY}, (method, path, status)


async def test_protected_operations_document_auth_validation_and_rate_limit_answers(
    client: httpx.AsyncClient,
) -> None:
    spec = await openapi(client)

    for method, path, operation in operations(spec):
        if path == "/v1/health":
            continue
        assert {"401", "403", "422", "429"} <= operation["responses"].keys(), (method, path)


async def test_operations_with_a_body_document_400_413_and_422(client: httpx.AsyncClient) -> None:
    spec = await openapi(client)

    with_body = [(m, p, o) for m, p, o in operations(spec) if "requestBody" in o]
    assert {p for _, p, _ in with_body} >= {
        "/v1/agents/{agent_id}/invoke",
        "/v1/agents/triage/invoke",
        "/v1/agents/{agent_id}/chat",
        "/v1/agents/{agent_id}/config",
    }
    for method, path, operation in with_body:
        assert {"400", "413", "422"} <= operation["responses"].keys(), (method, path)
        assert "server.max_request_body_bytes" in operation["responses"]["413"]["description"]


async def test_operations_on_a_store_document_503(client: httpx.AsyncClient) -> None:
    spec = await openapi(client)

    on_a_store = [
        (method, path, operation)
        for method, path, operation in operations(spec)
        if path.startswith(STORE_PATHS[:2]) or path.endswith(("/invoke", "/chat", "/config"))
    ]
    assert len(on_a_store) >= 10
    for method, path, operation in on_a_store:
        assert "503" in operation["responses"], (method, path)


async def test_the_message_limit_and_pagination_bounds_are_in_the_schema(
    client: httpx.AsyncClient,
) -> None:
    spec = await openapi(client)
    schemas = spec["components"]["schemas"]
    offset = next(
        p for p in spec["paths"]["/v1/executions"]["get"]["parameters"] if p["name"] == "offset"
    )

    assert schemas["InvokeRequest"]["properties"]["message"]["maxLength"] == 102_400
    assert schemas["ChatRequest"]["properties"]["message"]["maxLength"] == 102_400
    assert offset["schema"]["maximum"] == 2**31 - 1


async def test_the_chat_stream_is_documented_as_server_sent_events(
    client: httpx.AsyncClient,
) -> None:
    spec = await openapi(client)
    answer = spec["paths"]["/v1/agents/{agent_id}/chat"]["post"]["responses"]["200"]

    assert set(answer["content"]) == {"application/json", "text/event-stream"}
    events = answer["content"]["text/event-stream"]["schema"]["description"]
    for event in ("session", "delta", "tool_call", "tool_result", "done", "error"):
        assert f"`{event}`" in events


async def test_a_typed_invoke_route_documents_the_answers_of_the_generic_one(
    gateway: Gateway,
) -> None:
    spec = gateway.openapi()
    typed = spec["paths"]["/v1/agents/triage/invoke"]["post"]["responses"]
    generic = spec["paths"]["/v1/agents/{agent_id}/invoke"]["post"]["responses"]

    assert typed.keys() == generic.keys()
