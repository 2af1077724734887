"""The credential of every request: none, an API key, or an OAuth2 client-credentials token.

The token is fetched with the client's own pooled connection, cached, fetched again
:data:`REFRESH_MARGIN` seconds before it expires, and once when the gateway answers 401 to it.
A lock makes concurrent callers share one fetch: whoever waited on it finds the new token.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol

import httpx

from agent_gateway_client._config import ClientConfig
from agent_gateway_client._errors import (
    AuthenticationError,
    GatewayConnectionError,
    GatewayTimeoutError,
)

REFRESH_MARGIN = 30.0
"""Seconds before a token's expiry at which it is fetched again."""


class AsyncAuth(Protocol):
    """Gives the ``Authorization`` header of each attempt."""

    async def authorization(self) -> str | None:
        """The header value; ``None`` to send none."""
        ...

    async def refresh(self, rejected: str | None) -> bool:
        """After a 401 to ``rejected``: get a new credential; whether there is one to try."""
        ...


class NoAuth:
    """No credential (a gateway with authentication off)."""

    async def authorization(self) -> str | None:
        return None

    async def refresh(self, rejected: str | None) -> bool:
        return False


class ApiKeyAuth:
    """``Authorization: Bearer <api key>``; nothing to refresh."""

    def __init__(self, api_key: str) -> None:
        self._header = f"Bearer {api_key}"

    async def authorization(self) -> str | None:
        return self._header

    async def refresh(self, rejected: str | None) -> bool:
        return False


class ClientCredentialsAuth:
    """OAuth2 client credentials (RFC 6749 §4.4), the client id and secret in the form body."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str | None = None,
    ) -> None:
        self._http = http
        self._token_url = token_url
        self._form = {"grant_type": "client_credentials", "client_id": client_id}
        self._form["client_secret"] = client_secret
        if scope:
            self._form["scope"] = scope
        self._header: str | None = None
        self._expires_at: float | None = None
        self._lock = asyncio.Lock()

    async def authorization(self) -> str | None:
        if self._fresh():
            return self._header
        async with self._lock:
            if not self._fresh():  # unless a caller we waited for fetched one
                await self._fetch()
            return self._header

    async def refresh(self, rejected: str | None) -> bool:
        async with self._lock:
            if self._header == rejected or self._header is None:
                await self._fetch()
        return True

    def _fresh(self) -> bool:
        if self._header is None:
            return False
        return self._expires_at is None or time.monotonic() < self._expires_at - REFRESH_MARGIN

    async def _fetch(self) -> None:
        try:
            response = await self._http.post(
                self._token_url, data=self._form, headers={"Accept": "application/json"}
            )
        except httpx.TimeoutException as exc:
            raise GatewayTimeoutError(f"the token endpoint did not answer in time: {exc}") from exc
        except httpx.TransportError as exc:
            raise GatewayConnectionError(f"cannot reach the token endpoint: {exc}") from exc
        self._header, self._expires_at = _token_of(response)


def _token_of(response: httpx.Response) -> tuple[str, float | None]:
    """``Bearer <access_token>`` and when it expires (``time.monotonic()``), from a token
    endpoint's answer."""
    body: Any
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    if response.is_error or not isinstance(body.get("access_token"), str):
        code = body.get("error") if isinstance(body.get("error"), str) else None
        reason = body.get("error_description") or code or response.text[:200]
        raise AuthenticationError(
            f"the token endpoint refused the client credentials: {reason}",
            status_code=response.status_code,
            code=code,
            body=body or None,
            response=response,
        )
    expires_in = body.get("expires_in")
    expires_at = None
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
        expires_at = time.monotonic() + float(expires_in)
    return f"Bearer {body['access_token']}", expires_at


def auth_for(config: ClientConfig, http: httpx.AsyncClient) -> AsyncAuth:
    """The credential ``config`` names."""
    if config.uses_oauth2:
        # ClientConfig checked that all three are set.
        assert config.token_url is not None
        assert config.client_id is not None
        assert config.client_secret is not None
        return ClientCredentialsAuth(
            http,
            token_url=config.token_url,
            client_id=config.client_id,
            client_secret=config.client_secret,
            scope=config.scope,
        )
    if config.api_key:
        return ApiKeyAuth(config.api_key)
    return NoAuth()
