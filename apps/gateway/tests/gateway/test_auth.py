"""Authentication of the HTTP API: the ``auth`` argument, use_auth, use_api_keys, gateway.yaml.

A custom route behind the gateway's own principal dependency stands in for any protected
route, so these tests do not depend on which API routes exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway.api.deps import CurrentPrincipal, requires
from agent_gateway_core.domain.auth import Principal
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.testing import StaticTokenAuthProvider

pytestmark = pytest.mark.integration

ClientFor = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
WriteWorkspace = Callable[..., Path]


def with_protected_routes(gw: Gateway) -> Gateway:
    """Add ``GET /v1/whoami`` (any caller) and ``GET /v1/admin-only`` (``admin`` scope)."""

    @gw.get("/v1/whoami")
    async def whoami(principal: CurrentPrincipal) -> dict[str, Any]:
        return {"subject": principal.subject, "scopes": sorted(principal.scopes)}

    @gw.get("/v1/admin-only", dependencies=[requires("admin")])
    async def admin_only() -> dict[str, bool]:
        return {"ok": True}

    return gw


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_auth_on_without_keys_logs_how_to_fix_it_and_answers_401(
    write_workspace: WriteWorkspace, client_for: ClientFor, caplog: pytest.LogCaptureFixture
) -> None:
    gw = with_protected_routes(Gateway(workspace=write_workspace()))
    with caplog.at_level(logging.ERROR, logger="agent_gateway"):
        async with gw, client_for(gw) as client:
            assert (await client.get("/v1/health")).json() == {"status": "ok"}
            response = await client.get("/v1/whoami", headers=bearer("anything"))
            assert response.status_code == 401
            assert response.headers["www-authenticate"].startswith(
                'Bearer realm="agent-gateway", error="invalid_token"'
            )
            assert (await client.get("/v1/whoami")).status_code == 401
            assert (await client.get("/v1/agents", headers=bearer("anything"))).status_code == 401
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("no API keys are configured" in e for e in errors)
    assert any("use_api_keys" in e and "auth=False" in e for e in errors)


async def test_auth_false_lets_every_caller_in(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = with_protected_routes(Gateway(workspace=write_workspace(), auth=False))
    async with gw, client_for(gw) as client:
        response = await client.get("/v1/whoami")
        assert response.status_code == 200
        assert response.json() == {"subject": "anonymous", "scopes": ["*"]}
        assert (await client.get("/v1/admin-only")).status_code == 200


async def test_auth_disabled_in_gateway_yaml(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    root = write_workspace(yaml="auth:\n  enabled: false\n")
    gw = with_protected_routes(Gateway(workspace=root))
    async with gw, client_for(gw) as client:
        assert (await client.get("/v1/whoami")).status_code == 200


async def test_api_keys_accept_bearer_and_x_api_key_and_reject_a_wrong_key(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = with_protected_routes(Gateway(workspace=write_workspace()))
    gw.use_api_keys([{"name": "svc", "key": "sk-right", "scopes": ["*"]}])
    async with gw, client_for(gw) as client:
        ok = await client.get("/v1/whoami", headers=bearer("sk-right"))
        assert ok.status_code == 200
        assert ok.json() == {"subject": "apikey:svc", "scopes": ["*"]}
        by_header = await client.get("/v1/whoami", headers={"X-API-Key": "sk-right"})
        assert by_header.status_code == 200

        wrong = await client.get("/v1/whoami", headers=bearer("sk-wrong"))
        assert wrong.status_code == 401
        assert wrong.headers["www-authenticate"] == (
            'Bearer realm="agent-gateway", error="invalid_token", '
            'error_description="invalid API key"'
        )
        assert wrong.json() == {
            "error": {"code": "authentication_error", "message": "invalid API key"}
        }
        assert wrong.headers["x-content-type-options"] == "nosniff"

        assert (await client.get("/v1/agents", headers=bearer("sk-right"))).status_code == 200
        assert (await client.get("/v1/agents", headers=bearer("sk-wrong"))).status_code == 401

        missing = await client.get("/v1/whoami")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == 'Bearer realm="agent-gateway"'
        assert missing.json()["error"]["code"] == "authentication_required"
        assert "Authorization: Bearer" in missing.json()["error"]["message"]

        basic = await client.get("/v1/whoami", headers={"Authorization": "Basic c2stcmlnaHQ="})
        assert basic.status_code == 401
        assert "must be 'Bearer <token>'" in basic.json()["error"]["message"]
        # Not a bearer credential: RFC 6750 gives no error code for it.
        assert basic.headers["www-authenticate"] == 'Bearer realm="agent-gateway"'


async def test_a_key_without_the_admin_scope_is_forbidden_on_admin_routes(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = with_protected_routes(Gateway(workspace=write_workspace()))
    gw.use_api_keys(
        [
            {"name": "reader", "key": "sk-reader", "scopes": ["read"]},
            {"name": "admin", "key": "sk-admin", "scopes": ["admin"]},
        ]
    )
    async with gw, client_for(gw) as client:
        forbidden = await client.get("/v1/admin-only", headers=bearer("sk-reader"))
        assert forbidden.status_code == 403
        assert forbidden.json()["error"] == {
            "code": "insufficient_scope",
            "message": "this call needs the 'admin' scope, which the credential does not grant",
            "details": [{"missing_scope": "admin"}],
        }
        assert forbidden.headers["www-authenticate"] == (
            'Bearer realm="agent-gateway", error="insufficient_scope", scope="admin"'
        )
        assert (await client.get("/v1/admin-only", headers=bearer("sk-admin"))).status_code == 200


async def test_post_reload_needs_the_admin_scope(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=write_workspace())
    gw.use_api_keys(
        [
            {"name": "reader", "key": "sk-reader", "scopes": ["read"]},
            {"name": "admin", "key": "sk-admin", "scopes": ["admin"]},
        ]
    )
    async with gw, client_for(gw) as client:
        forbidden = await client.post("/v1/reload", headers=bearer("sk-reader"))
        allowed = await client.post("/v1/reload", headers=bearer("sk-admin"))
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "insufficient_scope"
    assert "'admin' scope" in forbidden.json()["error"]["message"]
    assert allowed.status_code == 200


async def test_api_keys_from_gateway_yaml_with_env_substitution(
    write_workspace: WriteWorkspace, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVICE_KEY", "sk-from-env")
    root = write_workspace(
        yaml="""\
        auth:
          api_keys:
            - name: service
              key: ${SERVICE_KEY}
              scopes: [read]
        """
    )
    gw = with_protected_routes(Gateway(workspace=root))
    async with gw, client_for(gw) as client:
        ok = await client.get("/v1/whoami", headers=bearer("sk-from-env"))
        assert ok.json() == {"subject": "apikey:service", "scopes": ["read"]}
        literal = await client.get("/v1/whoami", headers=bearer("${SERVICE_KEY}"))
        assert literal.status_code == 401


@pytest.mark.parametrize("is_async", [False, True])
async def test_a_callable_as_auth(
    is_async: bool, write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    def check(token: str) -> str | None:
        return "user:alice" if token == "alice-token" else None

    async def check_async(token: str) -> str | None:
        return check(token)

    gw = with_protected_routes(
        Gateway(workspace=write_workspace(), auth=check_async if is_async else check)
    )
    async with gw, client_for(gw) as client:
        ok = await client.get("/v1/whoami", headers=bearer("alice-token"))
        assert ok.json() == {"subject": "user:alice", "scopes": ["*"]}
        rejected = await client.get("/v1/whoami", headers=bearer("mallory-token"))
        assert rejected.status_code == 401
        assert rejected.headers["www-authenticate"].startswith("Bearer ")


async def test_an_auth_provider_as_auth_argument_and_through_use_auth(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    principal = Principal(subject="user:bob", scopes=frozenset({"read"}))
    for gw in (
        Gateway(workspace=write_workspace(), auth=StaticTokenAuthProvider({"bob": principal})),
        Gateway(workspace=write_workspace()).use_auth(StaticTokenAuthProvider({"bob": principal})),
    ):
        with_protected_routes(gw)
        async with gw, client_for(gw) as client:
            ok = await client.get("/v1/whoami", headers=bearer("bob"))
            assert ok.json() == {"subject": "user:bob", "scopes": ["read"]}
            assert (await client.get("/v1/whoami", headers=bearer("eve"))).status_code == 401
            assert (await client.get("/v1/admin-only", headers=bearer("bob"))).status_code == 403


async def test_use_auth_none_disables_authentication(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = with_protected_routes(Gateway(workspace=write_workspace()).use_auth(None))
    async with gw, client_for(gw) as client:
        assert (await client.get("/v1/whoami")).json()["subject"] == "anonymous"
        assert (await client.get("/v1/health")).json()["auth"] == "off"


# ---------------------------------------------------------------- the existing product's keys


async def test_auth_mode_none_in_gateway_yaml_turns_auth_off(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = with_protected_routes(Gateway(workspace=write_workspace(yaml="auth:\n  mode: none\n")))
    async with gw, client_for(gw) as client:
        assert (await client.get("/v1/whoami")).status_code == 200
        assert (await client.get("/v1/health")).json()["auth"] == "off"


async def test_composite_mode_takes_keys_and_refuses_a_malformed_token(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    yaml = """
        auth:
          mode: composite
          oauth2: {issuer: "https://issuer.test", audience: agents}
          public_paths: [/v1/health]
          api_keys:
            - {name: svc, key: sk-svc}
        """
    gw = with_protected_routes(Gateway(workspace=write_workspace(yaml=yaml)))
    async with gw, client_for(gw) as client:
        assert (await client.get("/v1/whoami", headers=bearer("sk-svc"))).status_code == 200
        assert (await client.get("/v1/whoami", headers=bearer("a.jwt.token"))).status_code == 401
        assert (await client.get("/v1/health")).status_code == 200


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("auth:\n  mode: oauth2\n", "no auth.oauth2 section"),
        ("auth:\n  mode: custom\n", "no provider is given in code"),
    ],
    ids=["oauth2 without its section", "custom without a provider"],
)
async def test_an_auth_mode_without_what_it_needs_stops_startup(
    yaml: str, message: str, write_workspace: WriteWorkspace
) -> None:
    gw = Gateway(workspace=write_workspace(yaml=yaml))
    with pytest.raises(ConfigError, match=message):
        await gw.startup()
    assert not gw.started


async def test_custom_mode_with_a_callable_given_to_use_auth(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=write_workspace(yaml="auth:\n  mode: custom\n"))
    with_protected_routes(gw.use_auth(lambda token: "user:carol" if token == "c" else None))
    async with gw, client_for(gw) as client:
        assert (await client.get("/v1/whoami", headers=bearer("c"))).json()["subject"] == (
            "user:carol"
        )
        assert (await client.get("/v1/whoami", headers=bearer("x"))).status_code == 401


async def test_the_last_auth_choice_in_code_wins(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = with_protected_routes(Gateway(workspace=write_workspace(), auth=lambda t: "custom"))
    gw.use_api_keys([{"name": "svc", "key": "sk-svc"}])  # replaces the callable
    async with gw, client_for(gw) as client:
        assert (await client.get("/v1/whoami", headers=bearer("sk-svc"))).status_code == 200
        assert (await client.get("/v1/whoami", headers=bearer("anything"))).status_code == 401


async def test_public_paths_let_callers_in_without_a_credential_but_not_into_anyones_data(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    yaml = """
        auth:
          api_keys: [{name: svc, key: sk-svc}]
          public_paths: [/v1/health, /v1/agents, /v1/executions*]
        """
    gw = Gateway(workspace=write_workspace(yaml=yaml))
    async with gw, client_for(gw) as client:
        # The model is unreachable here: the execution fails, and is recorded as the key's.
        await client.post(
            "/v1/agents/assistant/invoke", json={"message": "mine"}, headers=bearer("sk-svc")
        )
        assert (await client.get("/v1/agents")).status_code == 200
        assert (await client.get("/v1/agents/assistant")).status_code == 401  # exact path only
        anonymous = await client.get("/v1/executions")
        assert anonymous.status_code == 200
        assert anonymous.json()["total"] == 0  # the key's execution is not the public's
        keyed = await client.get("/v1/executions", headers=bearer("sk-svc"))
        assert keyed.json()["total"] == 1
        wrong = await client.get("/v1/agents", headers=bearer("sk-wrong"))
        assert wrong.status_code == 401  # a credential that is sent is checked


async def test_health_details_need_a_credential(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=write_workspace()).use_api_keys([{"name": "svc", "key": "sk-svc"}])
    async with gw, client_for(gw) as client:
        anonymous = await client.get("/v1/health")
        wrong = await client.get("/v1/health", headers=bearer("sk-wrong"))
        known = await client.get("/v1/health", headers=bearer("sk-svc"))
        assert known.json() == await gw.health()

    assert anonymous.status_code == wrong.status_code == known.status_code == 200
    assert anonymous.json() == wrong.json() == {"status": "ok"}
    assert known.json()["auth"] == "on"
    assert known.json()["checks"] == {"persistence": "ok"}
