"""Bearer tokens from an OAuth2 token endpoint (client-credentials grant), cached."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from agent_gateway_core.ports.tool_provider import McpTokenProvider
from agent_gateway_mcp.config import OAuth2Settings
from agent_gateway_mcp.errors import McpAuthError

DEFAULT_EXPIRES_IN = 3600.0  # seconds, when the endpoint does not say (as the existing product)
_REFRESH_MARGIN = 300.0  # refresh when less than min(this, half the lifetime) remains
_REQUEST_TIMEOUT = 10.0


class OAuth2ClientCredentials(McpTokenProvider):
    """Fetches a token with ``grant_type=client_credentials`` (client id and secret in the
    form, as the existing product sent them) and reuses it until it is close to expiry.

    Concurrent callers share one request: the lock is held across the refresh. A failure
    raises :class:`McpAuthError` naming the server; nothing is cached, so the next call
    asks again.
    """

    def __init__(self, settings: OAuth2Settings, *, server_name: str) -> None:
        self.server_name = server_name
        self._settings = settings
        self._token: str | None = None
        self._refresh_at = 0.0  # time.monotonic() after which the token is refreshed
        self._lock = asyncio.Lock()

    async def get_token(self) -> str:
        async with self._lock:
            if self._token is None or time.monotonic() >= self._refresh_at:
                self._token, lifetime = await self._fetch()
                margin = min(_REFRESH_MARGIN, lifetime / 2)
                self._refresh_at = time.monotonic() + lifetime - margin
            return self._token

    async def _fetch(self) -> tuple[str, float]:
        settings = self._settings
        form = {
            "grant_type": "client_credentials",
            "client_id": settings.client_id,
            "client_secret": settings.client_secret,
        }
        if settings.scopes:
            form["scope"] = settings.scopes
        try:
            async with httpx.AsyncClient(timeout=_REQUEST_TIMEOUT) as client:
                response = await client.post(
                    settings.token_url, data=form, headers={"Accept": "application/json"}
                )
        except httpx.HTTPError as exc:
            raise self._failure(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code != 200:
            raise self._failure(f"HTTP {response.status_code} {_error_of(response)}".rstrip())
        try:
            body: Any = response.json()
        except ValueError as exc:
            raise self._failure("the answer is not JSON") from exc
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise self._failure("the answer has no access_token")
        expires_in = body.get("expires_in", DEFAULT_EXPIRES_IN)
        if (
            not isinstance(expires_in, int | float)
            or isinstance(expires_in, bool)
            or expires_in <= 0
        ):
            expires_in = DEFAULT_EXPIRES_IN
        return token, float(expires_in)

    def _failure(self, reason: str) -> McpAuthError:
        return McpAuthError(
            f"OAuth2 token request of MCP server {self.server_name!r} to "
            f"{self._settings.token_url} failed: {reason}",
            server_name=self.server_name,
        )


def _error_of(response: httpx.Response) -> str:
    """The OAuth2 ``error`` (and description) of a failed token response, if it has one."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return ""
    description = body.get("error_description")
    return (
        f"({body['error']}: {description})"
        if isinstance(description, str)
        else f"({body['error']})"
    )
