"""How to reach one configured MCP server: a fresh SDK transport for every connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx2
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.ports.tool_provider import McpTokenProvider
from agent_gateway_mcp.config import http_auth, validate_mcp_config
from agent_gateway_mcp.http_auth import HttpStatusLog, TokenAuth
from agent_gateway_mcp.oauth2 import OAuth2ClientCredentials
from agent_gateway_mcp.transport import TransportStreams

# The SDK's defaults for its own HTTP client: a response stream may stay open for long.
_HTTP_TIMEOUT = httpx2.Timeout(30.0, read=300.0)


class Endpoint:
    """Validated at construction (:class:`~agent_gateway_core.errors.ConfigError`).

    The token source (a given :class:`McpTokenProvider`, else an OAuth2 client-credentials
    one from the credentials) lives as long as the endpoint, so a cached token survives
    reconnections.
    """

    def __init__(
        self, config: McpServerConfig, token_provider: McpTokenProvider | None = None
    ) -> None:
        validate_mcp_config(config)
        self.server_name = config.name
        self._config = config
        self._headers: dict[str, str] = {}
        self._tokens: McpTokenProvider | None = token_provider
        if config.transport == "streamable_http":
            auth = http_auth(config, has_token_provider=token_provider is not None)
            self._headers = auth.headers
            if auth.oauth2 is not None:
                self._tokens = OAuth2ClientCredentials(auth.oauth2, server_name=config.name)

    def open(self, log: HttpStatusLog) -> AbstractAsyncContextManager[TransportStreams]:
        """A transport to enter once; HTTP responses are recorded in ``log``."""
        config = self._config
        if config.transport == "stdio":
            assert config.command is not None
            # env is merged over the SDK's minimal inherited environment (PATH, HOME, ...).
            params = StdioServerParameters(
                command=config.command, args=list(config.args), env=dict(config.env) or None
            )
            return stdio_client(params)
        assert config.url is not None
        auth = TokenAuth(self._tokens, log, server_name=self.server_name)
        return _streamable_http(config.url, self._headers, auth)


@asynccontextmanager
async def _streamable_http(
    url: str, headers: dict[str, str], auth: httpx2.Auth
) -> AsyncIterator[TransportStreams]:
    # The SDK leaves a client it was given open; this one lives exactly as long as the transport.
    async with (
        httpx2.AsyncClient(headers=headers, auth=auth, timeout=_HTTP_TIMEOUT) as client,
        streamable_http_client(url, http_client=client) as streams,
    ):
        yield streams
