"""An OAuth2 token endpoint (client credentials) on 127.0.0.1 that issues short-lived JWTs,
and the JWKS the gateway checks them with."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web
from joserfc import jwt
from joserfc.jwk import RSAKey

from agent_gateway_testing.served import Served

AUDIENCE = "agent-gateway"
CLIENT_ID = "reporting-job"
CLIENT_SECRET = "s3cret"


class TokenServer(Served):
    """``POST /token`` and ``GET /.well-known/jwks.json``. ``lifetime`` is each token's
    ``expires_in``; ``bad_tokens`` makes the next tokens signed by a key the JWKS does not
    hold (the gateway refuses them); ``issued`` counts tokens, ``requests`` token requests."""

    thread_name = "token-server"

    def __init__(self) -> None:
        self.lifetime: float = 300
        self.bad_tokens = 0
        self.issued: list[str] = []
        self.requests: list[dict[str, str]] = []
        self.delay_seconds = 0.0
        self._key = RSAKey.generate_key(2048, parameters={"kid": "good"})
        self._rogue = RSAKey.generate_key(2048, parameters={"kid": "good"})
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/token", self._token)
        app.router.add_get("/.well-known/jwks.json", self._jwks)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def aclose(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _jwks(self, request: web.Request) -> web.Response:
        return web.json_response({"keys": [self._key.as_dict(private=False)]})

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.requests.append({key: str(value) for key, value in form.items()})
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return web.json_response(
                {"error": "invalid_client", "error_description": "unknown client"}, status=401
            )
        key = self._key
        if self.bad_tokens:
            self.bad_tokens -= 1
            key = self._rogue
        token = self._mint(key, str(form.get("scope") or ""))
        self.issued.append(token)
        body: dict[str, Any] = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.lifetime,
        }
        return web.json_response(body)

    def _mint(self, key: RSAKey, scope: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": CLIENT_ID,
            "iat": now,
            "exp": now + 600,
            "scope": scope,
            "jti": str(len(self.issued)),
        }
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
