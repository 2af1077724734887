"""OAuth2 bearer tokens over HTTP: real JWTs, signed by a test key published on a JWKS endpoint
on 127.0.0.1, next to the API keys of gateway.yaml (a composite provider tries each)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from .conftest import ALICE, NewGateway

pytestmark = pytest.mark.integration

AUDIENCE = "agent-gateway"


class Issuer:
    """An OAuth2 issuer's JWKS endpoint, serving the public halves of ``keys``."""

    def __init__(self) -> None:
        self.keys: list[Any] = [RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})]
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = json.dumps({"keys": [k.as_dict(private=False) for k in issuer.keys]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def token(self, key_index: int = 0, **claims: Any) -> str:
        key = self.keys[key_index]
        alg = "RS256" if isinstance(key, RSAKey) else "ES256"
        now = int(time.time())
        body = {"iss": self.url, "aud": AUDIENCE, "sub": "user-1", "iat": now, "exp": now + 300}
        body.update(claims)
        return jwt.encode({"alg": alg, "kid": key.kid}, body, key)

    def __enter__(self) -> Issuer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    with Issuer() as running:
        yield running


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_tokens_and_api_keys_work_side_by_side_and_token_scopes_are_enforced(
    new_gateway: NewGateway, issuer: Issuer
) -> None:
    gw = new_gateway().use_oauth2(issuer.url, AUDIENCE)
    reader = issuer.token(scope="agents:read")
    invoker = issuer.token(sub="user-2", scope="agents:read agents:invoke executions:read")
    async with (
        gw,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=gw), base_url="http://gateway") as http,
    ):
        assert (await http.get("/v1/agents", headers=bearer(reader))).status_code == 200
        assert (await http.get("/v1/agents", headers=ALICE)).status_code == 200  # an API key

        refused = await http.post(
            "/v1/agents/assistant/invoke", json={"message": "hi"}, headers=bearer(reader)
        )
        assert refused.status_code == 403
        assert refused.json()["error"]["details"] == [{"missing_scope": "agents:invoke"}]

        ran = await http.post(
            "/v1/agents/assistant/invoke", json={"message": "hi"}, headers=bearer(invoker)
        )
        assert ran.status_code == 200, ran.text
        execution = f"/v1/executions/{ran.json()['execution_id']}"
        # The user is the token's subject: user-2 sees it, user-1 is told it does not exist.
        assert (await http.get(execution, headers=bearer(invoker))).status_code == 200
        other = issuer.token(sub="user-1", scope="executions:read")
        assert (await http.get(execution, headers=bearer(other))).status_code == 404


async def test_a_bad_token_is_401_with_rfc_6750_invalid_token_and_the_reason(
    new_gateway: NewGateway, issuer: Issuer
) -> None:
    gw = new_gateway().use_oauth2(issuer.url, AUDIENCE)
    expired = issuer.token(exp=int(time.time()) - 3600, scope="agents:read")
    elsewhere = issuer.token(aud="another-api", scope="agents:read")
    async with (
        gw,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=gw), base_url="http://gateway") as http,
    ):
        for token, reason in ((expired, "expired"), (elsewhere, "audience")):
            response = await http.get("/v1/agents", headers=bearer(token))
            assert response.status_code == 401
            assert reason in response.json()["error"]["message"]
            challenge = response.headers["WWW-Authenticate"]
            assert challenge.startswith('Bearer realm="agent-gateway", error="invalid_token"')
            assert token not in response.text


async def test_auth_oauth2_in_gateway_yaml_with_the_scp_claim_of_azure_ad(
    new_gateway: NewGateway, issuer: Issuer, write_files: Any
) -> None:
    issuer.keys.append(ECKey.generate_key("P-256", parameters={"kid": "ec-1"}))
    write_files(
        {
            "gateway.yaml": f"""\
            model:
              default: openai/gpt-4o-mini
            auth:
              mode: oauth2
              oauth2:
                issuer: {issuer.url}
                audience: {AUDIENCE}
                jwks_uri: {issuer.url}/keys
                scope_claim: scp
            """
        }
    )
    as_list = issuer.token(key_index=1, scp=["agents:read"])
    as_string = issuer.token(key_index=1, scp="agents:read agents:invoke")
    async with (
        new_gateway() as gw,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=gw), base_url="http://gateway") as http,
    ):
        assert (await http.get("/v1/agents", headers=bearer(as_list))).status_code == 200
        invoked = await http.post(
            "/v1/agents/assistant/invoke", json={"message": "hi"}, headers=bearer(as_string)
        )
        assert invoked.status_code == 200, invoked.text
        # mode oauth2: API keys are not accepted.
        assert (await http.get("/v1/agents", headers=ALICE)).status_code == 401
