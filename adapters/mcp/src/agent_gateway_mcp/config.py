"""What a valid MCP server configuration is, and the HTTP authentication it asks for.

Credentials (streamable HTTP only; stdio servers take secrets through ``env``):

- ``{"bearer_token": T}`` sends ``Authorization: Bearer T``;
- ``{"api_key": K, "api_key_header": H}`` sends ``H: K`` (``H`` defaults to ``X-API-Key``);
- ``{"auth_type": "oauth2_client_credentials", "token_url", "client_id", "client_secret",
  "scopes"}`` fetches, caches and refreshes a bearer token (``scopes`` space-separated,
  optional);
- any other key that is an HTTP header name is sent as that header, as the existing product
  did (e.g. ``{"X-Goog-Api-Key": K}``).

``auth_type`` may also be ``bearer``, ``api_key``, or the existing product's ``none`` and
``static_header`` (the keys above, without a token endpoint).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from agent_gateway_core.domain.user_config import McpServerConfig
from agent_gateway_core.errors import ConfigError

TRANSPORTS = ("stdio", "streamable_http")
DEFAULT_API_KEY_HEADER = "X-API-Key"
OAUTH2_CLIENT_CREDENTIALS = "oauth2_client_credentials"
AUTH_TYPES = ("bearer", "api_key", OAUTH2_CLIENT_CREDENTIALS, "static_header", "none")

_STATIC_KEYS = frozenset({"bearer_token", "api_key", "api_key_header"})
_OAUTH2_REQUIRED = ("token_url", "client_id", "client_secret")
_OAUTH2_KEYS = frozenset({*_OAUTH2_REQUIRED, "scopes"})
_RESERVED_KEYS = frozenset({"auth_type", *_STATIC_KEYS, *_OAUTH2_KEYS, "service_account_json"})
_NEEDS = {"bearer": ("bearer_token",), "api_key": ("api_key",)}
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


@dataclass(frozen=True, slots=True, kw_only=True)
class OAuth2Settings:
    """Where and as whom to ask for client-credentials tokens."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scopes: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpAuth:
    """The headers every request carries, and the token endpoint if tokens are fetched."""

    headers: dict[str, str] = field(repr=False)
    oauth2: OAuth2Settings | None = None


def validate_mcp_config(config: McpServerConfig) -> None:
    """Raise :class:`ConfigError` naming every problem of ``config``; return for a valid one."""
    problems = _problems(config)
    if problems:
        raise ConfigError(f"MCP server {config.name!r}: {'; '.join(problems)}")


def http_auth(config: McpServerConfig, *, has_token_provider: bool) -> HttpAuth:
    """The authentication of a valid streamable-HTTP ``config``. A token provider replaces
    the bearer token, API key and token endpoint of the credentials."""
    credentials = config.credentials
    headers = dict(config.headers)
    headers.update({k: v for k, v in credentials.items() if k not in _RESERVED_KEYS})
    if has_token_provider:
        return HttpAuth(headers=headers)
    if credentials.get("auth_type") == OAUTH2_CLIENT_CREDENTIALS:
        settings = OAuth2Settings(
            token_url=credentials["token_url"],
            client_id=credentials["client_id"],
            client_secret=credentials["client_secret"],
            scopes=credentials.get("scopes") or None,
        )
        return HttpAuth(headers=headers, oauth2=settings)
    if "bearer_token" in credentials:
        headers["Authorization"] = f"Bearer {credentials['bearer_token']}"
    if "api_key" in credentials:
        api_key_header = credentials.get("api_key_header") or DEFAULT_API_KEY_HEADER
        headers[api_key_header] = credentials["api_key"]
    return HttpAuth(headers=headers)


def _problems(config: McpServerConfig) -> list[str]:
    problems: list[str] = []
    if not config.name.strip():
        problems.append("the name is empty")
    if config.transport == "stdio":
        if not (config.command or "").strip():
            problems.append("a stdio MCP server needs a command")
        if config.url:
            problems.append("a stdio MCP server takes no url")
        if config.credentials:
            problems.append("credentials apply to streamable_http servers only (use env for stdio)")
        problems.extend(_env_problems(config.env))
    elif config.transport == "streamable_http":
        problems.extend(_url_problems(config.url))
        if config.command:
            problems.append("a streamable_http MCP server takes no command")
        problems.extend(_header_problems(config.headers, "header"))
        problems.extend(_credential_problems(config.credentials))
    else:
        allowed = " or ".join(map(repr, TRANSPORTS))
        problems.append(f"transport must be {allowed}, got {config.transport!r}")
    return problems


def _url_problems(url: str | None) -> list[str]:
    if not url:
        return ["a streamable_http MCP server needs a url"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"url must be an http:// or https:// URL with a host, got {url!r}"]
    return []


def _env_problems(env: dict[str, str]) -> list[str]:
    bad = [name for name, value in env.items() if not name or "=" in name or "\0" in name + value]
    return (
        [f"invalid environment variable name or value: {', '.join(map(repr, bad))}"] if bad else []
    )


def _header_problems(headers: dict[str, str], what: str) -> list[str]:
    problems = [
        f"{what} {name!r} is not a valid HTTP header name"
        for name in headers
        if not _HEADER_NAME.match(name)
    ]
    problems += [
        f"{what} {name!r} has a line break in its value"
        for name, value in headers.items()
        if "\r" in value or "\n" in value
    ]
    return problems


def _credential_problems(credentials: dict[str, str]) -> list[str]:
    if not credentials:
        return []
    auth_type = credentials.get("auth_type")
    if auth_type is not None and auth_type not in AUTH_TYPES:
        if auth_type == "google_service_account":
            return ["auth_type 'google_service_account' is not supported; pass a token_provider"]
        return [f"unknown credentials auth_type {auth_type!r}; use one of {', '.join(AUTH_TYPES)}"]
    if auth_type == OAUTH2_CLIENT_CREDENTIALS:
        problems = _oauth2_problems(credentials)
    else:
        problems = _static_problems(credentials, auth_type)
    # What is sent as headers must be a header: pass-through keys, the API key's header,
    # and the values of the bearer token and the API key.
    as_headers = {k: v for k, v in credentials.items() if k not in _RESERVED_KEYS}
    if credentials.get("api_key_header"):
        as_headers[credentials["api_key_header"]] = ""
    problems += _header_problems(as_headers, "credential key")
    problems += [
        f"credentials' {key} has a line break"
        for key in ("bearer_token", "api_key")
        if "\r" in credentials.get(key, "") or "\n" in credentials.get(key, "")
    ]
    return problems


def _oauth2_problems(credentials: dict[str, str]) -> list[str]:
    problems: list[str] = []
    missing = [key for key in _OAUTH2_REQUIRED if not credentials.get(key)]
    if missing:
        problems.append(
            f"credentials of auth_type {OAUTH2_CLIENT_CREDENTIALS!r} need {', '.join(missing)}"
        )
    elif _url_problems(credentials["token_url"]):
        problems.append(
            f"token_url must be an http:// or https:// URL, got {credentials['token_url']!r}"
        )
    clashing = sorted(_STATIC_KEYS & credentials.keys())
    if clashing:
        problems.append(
            f"credentials of auth_type {OAUTH2_CLIENT_CREDENTIALS!r} take no {', '.join(clashing)}"
        )
    return problems


def _static_problems(credentials: dict[str, str], auth_type: str | None) -> list[str]:
    problems: list[str] = []
    missing = [key for key in _NEEDS.get(auth_type or "", ()) if not credentials.get(key)]
    if missing:
        problems.append(f"credentials of auth_type {auth_type!r} need {', '.join(missing)}")
    if "api_key_header" in credentials and not credentials.get("api_key"):
        problems.append("credentials have an api_key_header but no api_key")
    problems += [
        f"credentials have an empty {key}"
        for key in ("bearer_token", "api_key")
        if key in credentials and not credentials[key] and key not in missing
    ]
    stray = sorted(_OAUTH2_KEYS & credentials.keys())
    if stray:
        problems.append(f"{', '.join(stray)} need auth_type {OAUTH2_CLIENT_CREDENTIALS!r}")
    return problems
