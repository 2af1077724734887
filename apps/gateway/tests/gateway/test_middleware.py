"""Security headers (on by default), CORS and proxy headers, over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import httpx
import pytest
from fastapi import Request
from fastapi.responses import PlainTextResponse

from agent_gateway import Gateway
from agent_gateway.api.deps import CurrentPrincipal

pytestmark = pytest.mark.integration

ClientFor = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
WriteWorkspace = Callable[..., Path]

DEFAULT_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "content-security-policy": "default-src 'self'",
    "referrer-policy": "strict-origin-when-cross-origin",
}
PREFLIGHT = {"Origin": "https://app.test", "Access-Control-Request-Method": "POST"}


def security_headers(response: httpx.Response) -> dict[str, str]:
    return {name: response.headers[name] for name in DEFAULT_HEADERS if name in response.headers}


def with_probe_routes(gw: Gateway) -> Gateway:
    """A protected route, a failing route and one echoing the URL scheme the app sees."""

    @gw.get("/v1/protected")
    async def protected(principal: CurrentPrincipal) -> dict[str, str]:
        return {"subject": principal.subject}

    @gw.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    @gw.get("/scheme")
    async def scheme(request: Request) -> dict[str, str]:
        return {"scheme": request.url.scheme}

    return gw


async def test_security_headers_are_on_every_response_by_default(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = with_probe_routes(Gateway(workspace=write_workspace()))
    async with gw, client_for(gw) as client:
        responses = {
            "ok": await client.get("/v1/health"),
            "not found": await client.get("/v1/no-such-route"),
            "unauthorized": await client.get("/v1/protected"),
            "method not allowed": await client.delete("/v1/health"),
        }
        assert {name: r.status_code for name, r in responses.items()} == {
            "ok": 200,
            "not found": 404,
            "unauthorized": 401,
            "method not allowed": 405,
        }
        for name, response in responses.items():
            assert security_headers(response) == DEFAULT_HEADERS, name


async def test_security_headers_are_on_a_500_answer_too(
    write_workspace: WriteWorkspace,
) -> None:
    gw = with_probe_routes(Gateway(workspace=write_workspace(), auth=False))
    transport = httpx.ASGITransport(app=gw, raise_app_exceptions=False)
    async with gw, httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal_error", "message": "internal server error"}
    }
    assert security_headers(response) == DEFAULT_HEADERS


async def test_the_docs_pages_get_a_csp_that_lets_swagger_and_redoc_load(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)
    async with gw, client_for(gw) as client:
        docs = await client.get("/docs")
        redoc = await client.get("/redoc")
    for page in (docs, redoc):
        assert page.status_code == 200
        csp = page.headers["content-security-policy"]
        assert "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net" in csp
        assert page.headers["x-frame-options"] == "DENY"
    # The CDN the pages load from is the one the policy allows.
    assert "https://cdn.jsdelivr.net/" in docs.text


async def test_the_docs_csp_comes_from_gateway_yaml(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    yaml = "security:\n  docs_content_security_policy: \"default-src 'self'; script-src 'self'\"\n"
    gw = Gateway(workspace=write_workspace(yaml=yaml), auth=False)
    async with gw, client_for(gw) as client:
        docs = await client.get("/docs")
        api = await client.get("/v1/health")
    assert docs.headers["content-security-policy"] == "default-src 'self'; script-src 'self'"
    assert api.headers["content-security-policy"] == "default-src 'self'"


async def test_use_security_headers_overrides_single_values(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False).use_security_headers(
        x_frame_options="SAMEORIGIN", content_security_policy="default-src 'none'"
    )
    async with gw, client_for(gw) as client:
        response = await client.get("/v1/health")
    assert security_headers(response) == {
        **DEFAULT_HEADERS,
        "x-frame-options": "SAMEORIGIN",
        "content-security-policy": "default-src 'none'",
    }


async def test_gateway_yaml_can_change_or_disable_security_headers(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    changed = Gateway(
        workspace=write_workspace(yaml="security:\n  referrer_policy: no-referrer\n"), auth=False
    )
    async with changed, client_for(changed) as client:
        response = await client.get("/v1/health")
    assert response.headers["referrer-policy"] == "no-referrer"

    disabled = Gateway(
        workspace=write_workspace(yaml="security:\n  enabled: false\n"), auth=False
    ).use_security_headers(x_frame_options="SAMEORIGIN")
    async with disabled, client_for(disabled) as client:
        response = await client.get("/v1/health")
        missing = await client.get("/v1/no-such-route")
    assert security_headers(response) == {} == security_headers(missing)


async def test_a_route_can_set_its_own_security_header(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)

    @gw.get("/framed")
    async def framed() -> PlainTextResponse:
        return PlainTextResponse("ok", headers={"X-Frame-Options": "SAMEORIGIN"})

    async with gw, client_for(gw) as client:
        response = await client.get("/framed")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]


# ---------------------------------------------------------------- CORS


async def test_no_cors_headers_unless_enabled(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)
    async with gw, client_for(gw) as client:
        preflight = await client.options("/v1/health", headers=PREFLIGHT)
        simple = await client.get("/v1/health", headers={"Origin": "https://app.test"})
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


async def test_use_cors_answers_preflights_for_allowed_origins(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=write_workspace()).use_cors(
        allow_origins=["https://app.test"], allow_credentials=True, max_age=600
    )
    async with gw, client_for(gw) as client:
        # A preflight carries no credentials; CORS answers before auth is checked.
        preflight = await client.options("/v1/health", headers=PREFLIGHT)
        other = await client.options(
            "/v1/health", headers={**PREFLIGHT, "Origin": "https://evil.test"}
        )
        simple = await client.get("/v1/health", headers={"Origin": "https://app.test"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://app.test"
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert preflight.headers["access-control-max-age"] == "600"
    assert set(preflight.headers["access-control-allow-methods"].split(", ")) == {
        "GET",
        "POST",
        "DELETE",
        "OPTIONS",
    }
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers
    assert simple.headers["access-control-allow-origin"] == "https://app.test"


async def test_use_cors_defaults_allow_any_origin(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False).use_cors()
    async with gw, client_for(gw) as client:
        preflight = await client.options(
            "/v1/health", headers={**PREFLIGHT, "Origin": "https://anyone.test"}
        )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"


async def test_cors_from_gateway_yaml(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    root = write_workspace(yaml="cors:\n  enabled: true\n  allow_origins: [https://app.test]\n")
    gw = Gateway(workspace=root, auth=False)
    async with gw, client_for(gw) as client:
        allowed = await client.options("/v1/health", headers=PREFLIGHT)
        refused = await client.options(
            "/v1/health", headers={**PREFLIGHT, "Origin": "https://evil.test"}
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.test"
    assert refused.status_code == 400


# ---------------------------------------------------------------- proxy headers


async def test_proxy_headers_are_ignored_by_default(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = with_probe_routes(Gateway(workspace=write_workspace(), auth=False))
    async with gw, client_for(gw, **{"X-Forwarded-Proto": "https"}) as client:
        assert (await client.get("/scheme")).json() == {"scheme": "http"}


async def test_use_proxy_headers_trusts_x_forwarded_proto_from_the_proxy(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = with_probe_routes(Gateway(workspace=write_workspace(), auth=False))
    gw.use_proxy_headers()  # trusts 127.0.0.1, which is where ASGITransport says we come from
    async with gw, client_for(gw, **{"X-Forwarded-Proto": "https"}) as client:
        assert (await client.get("/scheme")).json() == {"scheme": "https"}


async def test_the_proxy_section_of_gateway_yaml_trusts_the_proxy(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    yaml = "proxy:\n  trust_forwarded: true\n  forwarded_allow_ips: 127.0.0.1\n"
    gw = with_probe_routes(Gateway(workspace=write_workspace(yaml=yaml), auth=False))
    async with gw, client_for(gw, **{"X-Forwarded-Proto": "https"}) as client:
        assert (await client.get("/scheme")).json() == {"scheme": "https"}


async def test_use_proxy_headers_wins_over_the_proxy_section(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    yaml = "proxy:\n  trust_forwarded: true\n"
    gw = with_probe_routes(Gateway(workspace=write_workspace(yaml=yaml), auth=False))
    gw.use_proxy_headers(trust_forwarded=False)
    async with gw, client_for(gw, **{"X-Forwarded-Proto": "https"}) as client:
        assert (await client.get("/scheme")).json() == {"scheme": "http"}


async def test_use_proxy_headers_ignores_an_untrusted_peer(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = with_probe_routes(Gateway(workspace=write_workspace(), auth=False))
    gw.use_proxy_headers(forwarded_allow_ips="10.0.0.1")
    async with gw, client_for(gw, **{"X-Forwarded-Proto": "https"}) as client:
        assert (await client.get("/scheme")).json() == {"scheme": "http"}


async def test_use_proxy_headers_with_trust_off_changes_nothing(
    write_workspace: WriteWorkspace, client_for: ClientFor
) -> None:
    gw = with_probe_routes(Gateway(workspace=write_workspace(), auth=False))
    gw.use_proxy_headers(trust_forwarded=False)
    async with gw, client_for(gw, **{"X-Forwarded-Proto": "https"}) as client:
        assert (await client.get("/scheme")).json() == {"scheme": "http"}
