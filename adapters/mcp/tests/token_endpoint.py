"""A tiny OAuth2 token endpoint on 127.0.0.1 (client-credentials grant) for the tests."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiohttp import web

CLIENT_ID = "gateway"
CLIENT_SECRET = "s3cret"


class TokenEndpoint:
    """Issues ``tokens`` in order (the last one again when they run out), each valid for
    ``expires_in`` seconds. ``requests`` holds every form received; ``delay`` slows answers;
    ``fail_with`` makes it answer that status with an OAuth2 error instead."""

    def __init__(self, tokens: Sequence[str], *, expires_in: float = 3600.0) -> None:
        self.tokens = list(tokens)
        self.expires_in = expires_in
        self.delay = 0.0
        self.fail_with: int | None = None
        self.requests: list[dict[str, str]] = []
        self._issued = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/token", self._token)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/token"

    async def aclose(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _token(self, request: web.Request) -> web.Response:
        form = {key: str(value) for key, value in (await request.post()).items()}
        self.requests.append(form)
        await asyncio.sleep(self.delay)
        if self.fail_with is not None:
            return web.json_response({"error": "server_error"}, status=self.fail_with)
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return web.json_response({"error": "invalid_client"}, status=401)
        token = self.tokens[min(self._issued, len(self.tokens) - 1)]
        self._issued += 1
        return web.json_response(
            {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
        )
