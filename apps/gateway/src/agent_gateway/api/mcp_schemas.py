"""Bodies of ``/v1/admin/mcp-servers``: the existing product's McpServerResponse,
CreateMcpServerRequest, UpdateMcpServerRequest, McpTestResponse and McpToolResponse, plus
where each server comes from and its connection's last error. Secrets never leave: headers,
environment and credentials are shown by name only."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agent_gateway_core.mcp_servers import McpServerOrigin, McpServerView

_REQUEST = ConfigDict(extra="forbid")
_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

Transport = Literal["stdio", "streamable_http"]


def _credential_strings(value: dict[str, Any] | None) -> dict[str, str] | None:
    """Credentials as stored: strings; a list of OAuth2 scopes becomes one space-separated
    string (the form the token endpoint takes)."""
    if value is None:
        return None
    flat: dict[str, str] = {}
    for key, item in value.items():
        if key == "scopes" and isinstance(item, list) and all(isinstance(s, str) for s in item):
            flat[key] = " ".join(item)
        elif isinstance(item, str):
            flat[key] = item
        else:
            raise ValueError(f"credentials.{key} must be a string")
    return flat


class CreateMcpServerRequest(BaseModel):
    """``POST /v1/admin/mcp-servers``: a server stored in the database."""

    model_config = _REQUEST

    name: str = Field(pattern=_NAME_PATTERN, max_length=64, examples=["github"])
    transport: Transport
    command: str | None = Field(default=None, max_length=4096)
    args: list[str] | None = None
    env: dict[str, str] | None = Field(default=None, description="Encrypted at rest.")
    url: str | None = Field(default=None, max_length=4096)
    headers: dict[str, str] | None = Field(default=None, description="Encrypted at rest.")
    credentials: dict[str, Any] | None = Field(
        default=None,
        description='`{"bearer_token"}`, `{"api_key", "api_key_header"}` or '
        '`{"auth_type": "oauth2_client_credentials", "token_url", "client_id", '
        '"client_secret", "scopes"}`. Encrypted at rest, never returned.',
    )
    enabled: bool = True

    _flat_credentials = field_validator("credentials")(_credential_strings)

    @model_validator(mode="after")
    def _transport_fields(self) -> Self:
        if self.transport == "stdio" and not self.command:
            raise ValueError("'command' is required for stdio transport")
        if self.transport == "streamable_http" and not self.url:
            raise ValueError("'url' is required for streamable_http transport")
        if self.transport == "stdio" and self.url:
            raise ValueError("'url' should not be set for stdio transport")
        if self.transport == "streamable_http" and self.command:
            raise ValueError("'command' should not be set for streamable_http transport")
        return self


class UpdateMcpServerRequest(BaseModel):
    """``PUT /v1/admin/mcp-servers/{id}``: only the fields given change; ``env``, ``headers``
    and ``credentials`` given replace the stored ones whole (``{}`` clears them)."""

    model_config = _REQUEST

    name: str | None = Field(default=None, pattern=_NAME_PATTERN, max_length=64)
    transport: Transport | None = None
    command: str | None = Field(default=None, max_length=4096)
    args: list[str] | None = None
    env: dict[str, str] | None = None
    url: str | None = Field(default=None, max_length=4096)
    headers: dict[str, str] | None = None
    credentials: dict[str, Any] | None = None
    enabled: bool | None = None

    _flat_credentials = field_validator("credentials")(_credential_strings)


class McpServerResponse(BaseModel):
    id: str
    name: str
    transport: str
    command: str | None = None
    args: list[str] | None = None
    url: str | None = None
    header_keys: list[str] = Field(description="Header names only, never values.")
    enabled: bool
    credential_keys: list[str] = Field(description="Names only, never values.")
    has_env: bool
    auth_type: str = Field(
        description="`none`, `static_header` or `oauth2_client_credentials` "
        "(`token_provider` for a server given one in code)."
    )
    tool_count: int
    connected: bool
    created_at: str
    updated_at: str | None = None
    origin: McpServerOrigin = Field(
        description="`database` (the admin API), `code` (add_mcp_server) or `config` "
        "(gateway.yaml mcp.servers)."
    )
    read_only: bool = Field(description="Servers from code or gateway.yaml: change them there.")
    error: str | None = Field(description="Why it is not connected, while it is not.")
    restarts: int = Field(description="Reconnections after a lost connection since startup.")


class McpTestToolResponse(BaseModel):
    name: str
    description: str


class McpTestResponse(BaseModel):
    success: bool
    tool_count: int
    tools: list[McpTestToolResponse]
    error: str | None = None
    error_code: Literal["auth_error", "timeout", "connection_error", "config_error"] | None = None


class McpToolResponse(BaseModel):
    name: str = Field(description="As agents see it: `{server}__{tool}`.")
    original_name: str
    server_name: str
    description: str
    input_schema: dict[str, Any]


class McpDeleteResponse(BaseModel):
    deleted: bool


def server_response(view: McpServerView) -> McpServerResponse:
    config = view.config
    if view.has_token_provider:
        auth_type = "token_provider"
    elif not config.credentials:
        auth_type = "none"
    else:
        auth_type = config.credentials.get("auth_type", "static_header")
    return McpServerResponse(
        id=config.id,
        name=config.name,
        transport=config.transport,
        command=config.command,
        args=list(config.args) if config.transport == "stdio" else None,
        url=config.url,
        header_keys=sorted(config.headers),
        enabled=config.enabled,
        credential_keys=sorted(config.credentials),
        has_env=bool(config.env),
        auth_type=auth_type,
        tool_count=len(view.tools),
        connected=view.status.connected,
        created_at=config.created_at.isoformat(),
        updated_at=config.updated_at.isoformat(),
        origin=view.origin,
        read_only=view.read_only,
        error=view.status.error,
        restarts=view.status.restarts,
    )
