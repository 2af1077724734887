"""validate_mcp_config: every invalid shape is a ConfigError naming the server and the
problem; providers and probes refuse invalid configs before connecting."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.errors import ConfigError
from agent_gateway_mcp import McpToolProvider, validate_mcp_config
from agent_gateway_mcp.config import http_auth

pytestmark = pytest.mark.unit

OAUTH2 = {
    "auth_type": "oauth2_client_credentials",
    "token_url": "https://auth.example.com/token",
    "client_id": "id",
    "client_secret": "secret",
}


def config(**fields: Any) -> McpServerConfig:
    now = datetime.now(UTC)
    base: dict[str, Any] = {"id": "s1", "name": "crm", "created_at": now, "updated_at": now}
    if fields.get("transport", "streamable_http") == "streamable_http":
        base |= {"transport": "streamable_http", "url": "https://mcp.example.com/mcp"}
    return McpServerConfig.model_validate(base | fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"transport": "stdio", "command": "npx", "args": ("-y", "server"), "env": {"K": "v"}},
        {},
        {"url": "http://127.0.0.1:8000/mcp", "headers": {"X-Tenant": "acme"}},
        {"credentials": {"bearer_token": "t"}},
        {"credentials": {"api_key": "k"}},
        {"credentials": {"api_key": "k", "api_key_header": "X-Goog-Api-Key"}},
        {"credentials": {"auth_type": "bearer", "bearer_token": "t"}},
        {"credentials": {"auth_type": "static_header", "X-Goog-Api-Key": "k"}},
        {"credentials": {"auth_type": "none"}},
        {"credentials": OAUTH2},
        {"credentials": OAUTH2 | {"scopes": "a b"}},
    ],
)
def test_valid_configs_pass(fields: dict[str, Any]) -> None:
    validate_mcp_config(config(**fields))


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"transport": "sse", "url": "https://x/sse"},
            "transport must be 'stdio' or 'streamable_http', got 'sse'",
        ),
        ({"transport": "stdio"}, "a stdio MCP server needs a command"),
        ({"transport": "stdio", "command": "  "}, "a stdio MCP server needs a command"),
        (
            {"transport": "stdio", "command": "x", "url": "http://a"},
            "a stdio MCP server takes no url",
        ),
        (
            {"transport": "stdio", "command": "x", "credentials": {"bearer_token": "t"}},
            "credentials apply to streamable_http servers only",
        ),
        (
            {"transport": "stdio", "command": "x", "env": {"A=B": "c"}},
            "invalid environment variable",
        ),
        ({"url": None}, "a streamable_http MCP server needs a url"),
        ({"url": "ftp://files.example.com"}, "url must be an http:// or https:// URL"),
        ({"url": "https://"}, "url must be an http:// or https:// URL"),
        ({"command": "npx"}, "a streamable_http MCP server takes no command"),
        ({"headers": {"Bad Header": "x"}}, "header 'Bad Header' is not a valid HTTP header name"),
        ({"headers": {"X-A": "a\r\nInjected: 1"}}, "header 'X-A' has a line break"),
        ({"credentials": {"auth_type": "kerberos"}}, "unknown credentials auth_type 'kerberos'"),
        (
            {"credentials": {"auth_type": "google_service_account"}},
            "'google_service_account' is not supported",
        ),
        (
            {"credentials": {"auth_type": "oauth2_client_credentials", "token_url": "https://a/t"}},
            "need client_id, client_secret",
        ),
        (
            {"credentials": OAUTH2 | {"token_url": "not a url"}},
            "token_url must be an http:// or https:// URL",
        ),
        ({"credentials": OAUTH2 | {"bearer_token": "t"}}, "take no bearer_token"),
        (
            {"credentials": {"auth_type": "bearer"}},
            "credentials of auth_type 'bearer' need bearer_token",
        ),
        (
            {"credentials": {"auth_type": "api_key"}},
            "credentials of auth_type 'api_key' need api_key",
        ),
        ({"credentials": {"api_key_header": "X-Key"}}, "an api_key_header but no api_key"),
        ({"credentials": {"bearer_token": ""}}, "an empty bearer_token"),
        (
            {"credentials": {"client_id": "id"}},
            "client_id need auth_type 'oauth2_client_credentials'",
        ),
        (
            {"credentials": {"not a header": "x"}},
            "credential key 'not a header' is not a valid HTTP header name",
        ),
        ({"credentials": {"bearer_token": "t\nX: y"}}, "line break"),
    ],
)
def test_invalid_configs_name_the_server_and_the_problem(
    fields: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ConfigError, match=r"^MCP server 'crm': ") as raised:
        validate_mcp_config(config(**fields))
    assert problem in str(raised.value)


def test_every_problem_is_listed_at_once() -> None:
    bad = config(url="ftp://x", command="npx", credentials={"auth_type": "bearer"})

    with pytest.raises(ConfigError) as raised:
        validate_mcp_config(bad)

    message = str(raised.value)
    assert "url must be" in message
    assert "takes no command" in message
    assert "need bearer_token" in message


def test_a_provider_refuses_an_invalid_config_at_construction() -> None:
    with pytest.raises(ConfigError, match="need client_secret"):
        McpToolProvider(
            config(credentials={k: v for k, v in OAUTH2.items() if k != "client_secret"})
        )


def test_static_credentials_become_headers() -> None:
    credentials = {"bearer_token": "t", "api_key": "k", "X-Tenant": "acme"}
    auth = http_auth(
        config(headers={"X-Trace": "1"}, credentials=credentials), has_token_provider=False
    )

    assert auth.headers == {
        "X-Trace": "1",
        "X-Tenant": "acme",
        "Authorization": "Bearer t",
        "X-API-Key": "k",
    }
    assert auth.oauth2 is None


def test_a_token_provider_replaces_the_credentials_token() -> None:
    auth = http_auth(config(credentials=OAUTH2 | {"X-Tenant": "acme"}), has_token_provider=True)

    assert auth.headers == {"X-Tenant": "acme"}
    assert auth.oauth2 is None


def test_oauth2_settings_keep_the_secret_out_of_repr() -> None:
    auth = http_auth(config(credentials=OAUTH2 | {"scopes": "a b"}), has_token_provider=False)

    assert auth.oauth2 is not None
    assert auth.oauth2.scopes == "a b"
    assert "secret" not in repr(auth)
