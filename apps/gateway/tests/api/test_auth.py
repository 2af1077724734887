"""Every route but health and the docs needs a credential; the user comes from it alone."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from agent_gateway import Gateway

from .conftest import NewGateway

pytestmark = pytest.mark.integration

PUBLIC = {"/v1/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def every_operation(gateway: Gateway) -> list[tuple[str, str]]:
    """(method, path) of every route, typed invoke routes included, path params filled."""
    operations = []
    for route in iter_route_contexts(gateway.routes):
        assert route.path is not None
        path = re.sub(r"\{[^}]+\}", "x", route.path)
        operations += [(m, path) for m in sorted(route.methods or ()) if m != "HEAD"]
    return operations


async def test_every_route_but_the_public_ones_answers_401_without_credentials(
    gateway: Gateway, client: httpx.AsyncClient
) -> None:
    operations = every_operation(gateway)
    assert ("POST", "/v1/agents/triage/invoke") in operations  # the typed route is enumerated
    assert len(operations) > 20

    checked = []
    for method, path in operations:
        if path in PUBLIC:
            continue
        response = await client.request(
            method, path, json={} if method == "POST" else None, headers={"Authorization": ""}
        )
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["error"]["code"] == "authentication_error"
        assert response.headers["WWW-Authenticate"] == "Bearer"
        checked.append(path)
    assert len(checked) == len(operations) - len(PUBLIC)


async def test_the_public_routes_answer_without_credentials(client: httpx.AsyncClient) -> None:
    for path in PUBLIC - {"/docs/oauth2-redirect"}:
        response = await client.get(path, headers={"Authorization": ""})
        assert response.status_code == 200, path


async def test_a_wrong_key_or_scheme_is_401_naming_the_problem(client: httpx.AsyncClient) -> None:
    wrong_key = await client.get("/v1/agents", headers={"Authorization": "Bearer sk-nope"})
    wrong_scheme = await client.get("/v1/agents", headers={"Authorization": "Basic abc"})

    assert wrong_key.status_code == wrong_scheme.status_code == 401
    assert wrong_key.json()["error"]["message"] == "invalid API key"
    assert "Bearer" in wrong_scheme.json()["error"]["message"]


async def test_an_x_api_key_header_works_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/agents", headers={"Authorization": "", "X-API-Key": "sk-bob"})

    assert response.status_code == 200


async def test_with_auth_off_every_caller_sees_every_execution(new_gateway: NewGateway) -> None:
    gw = new_gateway(auth=False)
    async with (
        gw,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gw), base_url="http://gateway"
        ) as client,
    ):
        programmatic = await gw.invoke("assistant", "from code")
        over_http = await client.post("/v1/agents/assistant/invoke", json={"message": "hi"})
        listed = (await client.get("/v1/executions")).json()
        reloaded = await client.post("/v1/reload")

    assert over_http.status_code == 200
    assert {e["id"] for e in listed["items"]} == {
        programmatic.execution_id,
        over_http.json()["execution_id"],
    }
    assert reloaded.status_code == 200
