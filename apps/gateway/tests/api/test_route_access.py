"""Who may call what: every route of the app, times {no credential, wrong key, key without the
route's scope, another user's resource}, with the status each must answer.

The routes are read from the app itself (typed invoke routes included) and each route's scope
from its OpenAPI ``security``, so a new route that declares no scope fails here, and so does
a route with a user's resource in its path that is missing from :data:`OWNED`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from agent_gateway import Gateway
from agent_gateway_core.domain.auth import Scope

from .conftest import NewGateway

pytestmark = pytest.mark.integration

PUBLIC = {"/v1/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}

# Path parameters that name something every caller shares (an agent, a skill, a tool, a
# schedule, a notification delivery).
SHARED_PARAMETERS = {"agent_id", "skill_id", "name", "schedule_id", "delivery_id", "server_id"}

# Routes whose path names a user's own resource, and what another user gets from them.
OWNED: dict[tuple[str, str], int] = {
    ("GET", "/v1/executions/{execution_id}"): 404,
    ("GET", "/v1/executions/{execution_id}/events"): 404,
    ("POST", "/v1/executions/{execution_id}/cancel"): 404,
    ("GET", "/v1/sessions/{session_id}"): 404,
    ("DELETE", "/v1/sessions/{session_id}"): 404,
    ("GET", "/v1/users/me/conversations/{conversation_id}/messages"): 404,
    ("GET", "/v1/agents/{agent_id}/config"): 404,
    ("DELETE", "/v1/agents/{agent_id}/config"): 404,
}

PERSONAL_AGENT = """\
---
description: Mine alone.
scope: personal
setup_schema:
  type: object
  properties:
    city: {type: string}
  required: [city]
---
You know the user's city.
"""


def all_but(scope: Scope) -> list[str]:
    return [s.value for s in Scope if s is not scope]


KEYS = [
    {"name": "alice", "key": "sk-alice", "scopes": ["*"]},
    {"name": "bob", "key": "sk-bob", "scopes": ["*"]},
    *({"name": f"no-{s.value}", "key": f"sk-no-{s.value}", "scopes": all_but(s)} for s in Scope),
]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    scope: str

    def path(self, values: dict[str, str]) -> str:
        return re.sub(r"\{([^}:]+)(?::[^}]*)?\}", lambda m: values[m.group(1)], self.template)

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


@pytest.fixture
async def gateway(new_gateway: NewGateway, write_files: Any) -> AsyncIterator[Gateway]:
    write_files({"agents/mine/AGENT.md": PERSONAL_AGENT})
    gw = new_gateway()
    gw.use_api_keys(KEYS)
    async with gw:
        yield gw


@pytest.fixture
async def http(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=gateway)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client


def operations(gateway: Gateway) -> list[Operation]:
    """Every protected operation of the app, with the scope its OpenAPI ``security`` names."""
    spec = gateway.openapi()
    found: list[Operation] = []
    undeclared: list[str] = []
    for route in iter_route_contexts(gateway.routes):
        assert route.path is not None
        if route.path in PUBLIC:
            continue
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            documented = re.sub(r"\{([^}:]+):[^}]*\}", r"{\1}", route.path)  # {id:path}
            security = spec["paths"][documented][method.lower()].get("security", [])
            scopes = {
                scope
                for requirement in security
                for names in requirement.values()
                for scope in names
            }
            if len(scopes) != 1:
                undeclared.append(f"{method} {route.path}: {sorted(scopes)}")
                continue
            found.append(Operation(method, route.path, scopes.pop()))
    assert not undeclared, f"routes without exactly one declared scope: {undeclared}"
    return found


async def alice_resources(http: httpx.AsyncClient) -> dict[str, str]:
    """An execution, a session, a conversation and a personal config of alice's."""
    chat = await http.post(
        "/v1/agents/assistant/chat", json={"message": "hi"}, headers=bearer("sk-alice")
    )
    assert chat.status_code == 200, chat.text
    saved = await http.post(
        "/v1/agents/mine/config", json={"city": "Lyon"}, headers=bearer("sk-alice")
    )
    assert saved.status_code == 200, saved.text
    session_id = chat.json()["session_id"]
    return {
        "execution_id": chat.json()["execution_id"],
        "session_id": session_id,
        "conversation_id": session_id,
        "agent_id": "mine",
        "skill_id": "lookup",
        "name": "stock-level",
        "schedule_id": "assistant:daily",
        "delivery_id": "no-such-delivery",
        "server_id": "no-such-server",
    }


async def call(
    http: httpx.AsyncClient, operation: Operation, values: dict[str, str], headers: dict[str, str]
) -> httpx.Response:
    body = {"message": "hi"} if operation.method == "POST" else None
    return await http.request(operation.method, operation.path(values), json=body, headers=headers)


async def test_every_protected_route_declares_one_scope_shown_in_openapi(
    gateway: Gateway,
) -> None:
    found = operations(gateway)
    assert len(found) > 20
    assert {str(o) for o in found} >= {
        "POST /v1/agents/{agent_id}/invoke",
        "POST /v1/agents/triage/invoke",  # a typed invoke route
        "POST /v1/agents/{agent_id}/chat",
        "POST /v1/reload",
    }
    spec = gateway.openapi()
    invoke = spec["paths"]["/v1/agents/{agent_id}/invoke"]["post"]
    assert invoke["security"] == [
        {"HTTPBearer": ["agents:invoke"]},
        {"APIKeyHeader": ["agents:invoke"]},
    ]
    for status in ("401", "403", "429"):
        assert status in invoke["responses"]
    assert spec["paths"]["/v1/health"]["get"].get("security") is None
    # A path parameter that names a user's own resource must be in OWNED.
    for operation in found:
        parameters = set(re.findall(r"\{([^}:]+)", operation.template)) - SHARED_PARAMETERS
        if parameters:
            assert (operation.method, operation.template) in OWNED, operation


async def test_the_scope_of_each_route(gateway: Gateway) -> None:
    table = {str(o): o.scope for o in operations(gateway)}
    expected = {
        "GET /v1/agents": "agents:read",
        "GET /v1/agents/{agent_id}": "agents:read",
        "POST /v1/agents/{agent_id}/invoke": "agents:invoke",
        "POST /v1/agents/{agent_id}/chat": "agents:invoke",
        "GET /v1/sessions": "sessions:read",
        "GET /v1/sessions/{session_id}": "sessions:read",
        "DELETE /v1/sessions/{session_id}": "sessions:write",
        "GET /v1/users/me/conversations": "sessions:read",
        "GET /v1/executions": "executions:read",
        "GET /v1/executions/{execution_id}": "executions:read",
        "POST /v1/executions/{execution_id}/cancel": "executions:manage",
        "GET /v1/skills": "agents:read",
        "GET /v1/tools": "agents:read",
        "POST /v1/reload": "admin",
        "GET /v1/agents/{agent_id}/setup-schema": "agents:read",
        "POST /v1/agents/{agent_id}/config": "config:write",
        "GET /v1/agents/{agent_id}/config": "config:write",
        "DELETE /v1/agents/{agent_id}/config": "config:write",
        "GET /v1/schedules": "schedules:read",
        "POST /v1/schedules": "schedules:manage",
        "GET /v1/schedules/{schedule_id:path}": "schedules:read",
        "PATCH /v1/schedules/{schedule_id:path}": "schedules:manage",
        "DELETE /v1/schedules/{schedule_id:path}": "schedules:manage",
        "POST /v1/schedules/{schedule_id:path}/pause": "schedules:manage",
        "POST /v1/schedules/{schedule_id:path}/resume": "schedules:manage",
        "POST /v1/schedules/{schedule_id:path}/trigger": "schedules:manage",
        "GET /v1/notifications": "notifications:read",
        "POST /v1/notifications/{delivery_id}/retry": "admin",
        "GET /v1/admin/mcp-servers": "admin",
        "POST /v1/admin/mcp-servers": "admin",
        "GET /v1/admin/mcp-servers/{server_id}": "admin",
        "PUT /v1/admin/mcp-servers/{server_id}": "admin",
        "DELETE /v1/admin/mcp-servers/{server_id}": "admin",
        "POST /v1/admin/mcp-servers/{server_id}/refresh": "admin",
        "POST /v1/admin/mcp-servers/{server_id}/test": "admin",
        "GET /v1/admin/mcp-servers/{server_id}/tools": "admin",
        "POST /v1/agents/{agent_id}/memory/compact": "agents:manage",
    }
    assert {k: table.get(k) for k in expected} == expected


async def test_every_route_x_every_kind_of_caller(
    gateway: Gateway, http: httpx.AsyncClient
) -> None:
    values = await alice_resources(http)
    wrong: list[str] = []

    def expect(operation: Operation, case: str, response: httpx.Response, status: int) -> None:
        if response.status_code != status:
            wrong.append(f"{operation} [{case}]: {response.status_code}, wanted {status}")

    for operation in operations(gateway):
        missing = await call(http, operation, values, {})
        expect(operation, "no credential", missing, 401)
        if missing.status_code == 401:
            assert missing.headers["WWW-Authenticate"] == 'Bearer realm="agent-gateway"'
            assert missing.json()["error"]["code"] == "authentication_required"

        bad = await call(http, operation, values, bearer("sk-wrong"))
        expect(operation, "wrong key", bad, 401)
        if bad.status_code == 401:
            assert 'error="invalid_token"' in bad.headers["WWW-Authenticate"]

        lacking = await call(http, operation, values, bearer(f"sk-no-{operation.scope}"))
        expect(operation, "key without the scope", lacking, 403)
        if lacking.status_code == 403:
            error = lacking.json()["error"]
            assert error["code"] == "insufficient_scope"
            assert error["message"].startswith(f"this call needs the '{operation.scope}' scope")
            assert f'scope="{operation.scope}"' in lacking.headers["WWW-Authenticate"]

        status = OWNED.get((operation.method, operation.template))
        if status is not None:
            others = await call(http, operation, values, bearer("sk-bob"))
            expect(operation, "another user's resource", others, status)

    assert not wrong, "\n".join(wrong)
    # Alice still sees all of it.
    mine = await http.get(f"/v1/executions/{values['execution_id']}", headers=bearer("sk-alice"))
    assert mine.status_code == 200
