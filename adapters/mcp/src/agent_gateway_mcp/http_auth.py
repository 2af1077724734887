"""Authentication of the streamable-HTTP requests, on the SDK's HTTP client (``httpx2``)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import httpx2

from agent_gateway_core.ports.tool_provider import McpTokenProvider
from agent_gateway_mcp.errors import McpAuthError

AUTH_REFUSALS = (401, 403)


class HttpStatusLog:
    """What one connection's HTTP responses said: the SDK turns a refused request into a
    generic JSON-RPC error, so the status codes are kept here to tell why it failed."""

    def __init__(self) -> None:
        self.auth_refusal: int | None = None  # the last 401/403, if any
        self.failures = 0  # 401, 403, 404 (session gone) and 5xx answers so far

    def observe(self, status: int) -> None:
        if status in AUTH_REFUSALS:
            self.auth_refusal = status
        if status in AUTH_REFUSALS or status == 404 or status >= 500:
            self.failures += 1


class TokenAuth(httpx2.Auth):
    """Puts ``Authorization: Bearer <token>`` on every request when there is a token source,
    asked before each request, and records every response status in ``log``."""

    def __init__(
        self, tokens: McpTokenProvider | None, log: HttpStatusLog, *, server_name: str
    ) -> None:
        self._tokens = tokens
        self._log = log
        self._server_name = server_name

    async def async_auth_flow(
        self, request: httpx2.Request
    ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        if self._tokens is not None:
            request.headers["Authorization"] = f"Bearer {await self._token()}"
        response = yield request
        self._log.observe(response.status_code)

    async def _token(self) -> str:
        assert self._tokens is not None
        try:
            return await self._tokens.get_token()
        except McpAuthError:
            raise
        except Exception as exc:
            raise McpAuthError(
                f"the token provider of MCP server {self._server_name!r} failed: "
                f"{type(exc).__name__}: {exc}",
                server_name=self._server_name,
            ) from exc
