"""gateway.yaml sections of the existing product (agents-gateway 0.2.13) for capabilities
that are coming in, one release at a time.

Each model mirrors that product's model for the section (``agent_gateway/config.py``): the same
keys, nesting, types and defaults, so its files load unchanged. Unlike there, an unknown key
is an error, so a typo (``scheduler: {enabeld: true}``) is reported instead of ignored.
``rate_limit`` is in effect; for the sections whose capability is not there yet,
``agents-gateway check`` says so.

Secrets are ``SecretStr`` (they accept the same strings) so they never show in a dump or log.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from agent_gateway.rate_limiting.rules import STORAGE_SCHEMES, parse_limits, parse_route_key
from agent_gateway_core.mcp_servers import joined_scopes, validate_server_name


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- scheduler


class DistributedLockSettings(_Section):
    """Where replicas claim each cron occurrence (see docs/schedules.md). Unlike the existing
    product, claims never go off by default: with ``enabled: false`` (or ``backend: auto``
    and no Redis) they are rows in the gateway's database; ``backend: none`` turns them off."""

    enabled: bool = False
    backend: Literal["auto", "redis", "postgres", "none"] = "auto"
    redis_url: str = ""  # empty: reuse queue.redis_url
    key_prefix: str = "ag:sched-lock:"
    lock_ttl_seconds: int = Field(default=300, gt=0)


class SchedulerSettings(_Section):
    enabled: bool = True
    misfire_grace_seconds: int = Field(default=60, ge=0)
    max_instances: int = Field(default=1, ge=1)
    coalesce: bool = True
    distributed_lock: DistributedLockSettings = Field(default_factory=DistributedLockSettings)
    # Ours: how often a replica looks for schedules changed by other replicas.
    sync_interval_seconds: float = Field(default=5.0, gt=0)


# ---------------------------------------------------------------- memory


class CompactionSettings(_Section):
    enabled: bool = True
    max_memories_per_scope: int = Field(default=100, ge=1)
    compact_ratio: float = Field(default=0.5, gt=0.0, le=1.0)
    min_age_hours: float = Field(default=24, ge=0)
    importance_threshold: float = Field(default=0.8, ge=0.0, le=1.0)
    decay_factor: float = Field(default=0.95, gt=0.0, le=1.0)


class MemorySettings(_Section):
    """``memory:``, in effect (docs/memory.md). ``enabled: true`` gives agents whose AGENT.md
    enables memory the database's memory (SQL persistence) or MEMORY.md files; a backend
    given in code (``use_memory``, ``use_file_memory``) turns memory on by itself."""

    enabled: bool = False
    max_injected_chars: int = Field(default=4000, gt=0)
    extraction_model: str | None = None
    auto_extract: bool = False
    max_memory_md_lines: int = Field(default=200, ge=4)  # a header and one memory fit
    compaction: CompactionSettings = Field(default_factory=CompactionSettings)
    # Ours: at most one extraction per agent and user in this time; how long a prompt waits
    # for the memory backend before going on without memories.
    extraction_debounce_seconds: float = Field(default=30.0, ge=0)
    recall_timeout_seconds: float = Field(default=5.0, gt=0)


# ---------------------------------------------------------------- mcp


class McpServerSettings(_Section):
    """Ours: an MCP server declared in gateway.yaml (read-only in the admin API). The keys are
    ``add_mcp_server``'s; secrets come from ``${VAR}`` references."""

    name: str
    transport: Literal["stdio", "streamable_http"]
    command: str | None = None
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    url: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    credentials: dict[str, str] = Field(default_factory=dict)
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _name_prefixes_tools(cls, value: str) -> str:
        validate_server_name(value)  # McpServerValidationError is a ValueError
        return value

    @field_validator("credentials", mode="before")
    @classmethod
    def _scopes_as_one_string(cls, value: object) -> object:
        return joined_scopes(value)


class McpSettings(_Section):
    tool_call_timeout_ms: int = Field(default=30_000, gt=0)
    connection_timeout_ms: int = Field(default=10_000, gt=0)
    # Ours: servers declared here, and how often a replica follows the admin API's changes.
    servers: list[McpServerSettings] = Field(default_factory=list)
    sync_interval_seconds: float = Field(default=5.0, gt=0)

    @field_validator("servers")
    @classmethod
    def _unique_names(cls, value: list[McpServerSettings]) -> list[McpServerSettings]:
        names = [server.name for server in value]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"MCP server names must be unique; repeated: {', '.join(repeated)}")
        return value


# ---------------------------------------------------------------- notifications


class SlackSettings(_Section):
    enabled: bool = False
    bot_token: SecretStr = SecretStr("")
    default_channel: str = "#agent-alerts"
    base_url: str | None = None  # ours: the Slack API root (None: slack-sdk's)


class WebhookSettings(_Section):
    name: str
    url: str
    secret: SecretStr = SecretStr("")
    events: list[str] = Field(default_factory=list)
    payload_template: str | None = None


class NotificationsSettings(_Section):
    slack: SlackSettings = Field(default_factory=SlackSettings)
    webhooks: list[WebhookSettings] = Field(default_factory=list)
    webhook_secret: SecretStr = SecretStr("")
    # Ours: webhook targets on loopback, private, link-local or metadata addresses are
    # refused unless this is true; attempts and the backoff of retried deliveries.
    allow_private_targets: bool = False
    max_attempts: int = Field(default=5, ge=1)
    retry_base_seconds: float = Field(default=2.0, ge=0)

    @field_validator("webhooks")
    @classmethod
    def _unique_names(cls, value: list[WebhookSettings]) -> list[WebhookSettings]:
        names = [webhook.name for webhook in value]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"webhook names must be unique; repeated: {', '.join(repeated)}")
        return value


# ---------------------------------------------------------------- rate_limit


class RateLimitSettings(_Section):
    """``rate_limit:``, in effect (``agent_gateway.rate_limiting``): the existing product's keys
    and defaults, plus ``key_prefix`` and per-route ``routes``. Checked when ``enabled``: every
    limit must parse, every route key be ``"METHOD /path"`` or ``"/path"``, and the storage be
    one the gateway has."""

    enabled: bool = False
    default_limit: str = "100/minute"
    storage_uri: str | None = None  # None or memory://: this process; redis:// or rediss://
    trust_forwarded_for: bool = False
    key_prefix: str = Field(default="agent-gateway:rl", min_length=1)  # of the Redis keys
    routes: dict[str, str] = Field(default_factory=dict)  # "POST /v1/x/{id}" or "/v1/x": limit

    @field_validator("default_limit")
    @classmethod
    def _limit_parses(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("enabled"):
            parse_limits(value)
        return value

    @field_validator("storage_uri")
    @classmethod
    def _storage_is_known(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("enabled") and value and not value.startswith(STORAGE_SCHEMES):
            where = value.split("@")[-1]  # never echo a password
            raise ValueError(f"{where!r} is not a storage: write {', '.join(STORAGE_SCHEMES)}")
        return value

    @field_validator("routes")
    @classmethod
    def _routes_parse(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        if info.data.get("enabled"):
            for key, limit in value.items():
                parse_route_key(key)
                try:
                    parse_limits(limit)
                except ValueError as exc:
                    raise ValueError(f"route {key!r}: {exc}") from None
        return value


# ---------------------------------------------------------------- dashboard


class DashboardOAuth2Settings(_Section):
    issuer: str
    client_id: str
    client_secret: SecretStr
    scopes: list[str] = Field(default_factory=lambda: ["openid", "profile", "email"])


class DashboardAuthSettings(_Section):
    enabled: bool = True
    username: str = "admin"
    password: SecretStr = SecretStr("")
    admin_username: str | None = None
    admin_password: SecretStr | None = None
    login_button_text: str = "Sign in with SSO"
    session_secret: SecretStr = SecretStr("")
    oauth2: DashboardOAuth2Settings | None = None
    session_cookie_name: str = "agw_dashboard_session"
    session_cookie_same_site: Literal["lax", "strict", "none"] = "lax"
    session_cookie_https_only: bool | None = None
    session_cookie_domain: str | None = None
    session_max_age_seconds: int = 86400


class DashboardColorSettings(_Section):
    primary: str = "#6366f1"
    primary_dark: str = "#818cf8"
    secondary: str = "#64748b"
    secondary_dark: str = "#94a3b8"
    accent: str = ""  # empty: primary
    accent_dark: str = ""  # empty: primary_dark
    surface: str = "#ffffff"
    surface_dark: str = "#141b2d"
    sidebar: str = "#0f172a"
    sidebar_dark: str = "#0b0f1a"
    danger: str = "#ef4444"
    danger_dark: str = "#f87171"


class DashboardThemeSettings(_Section):
    mode: Literal["light", "dark", "auto"] = "auto"
    accent_color: str = "#6366f1"  # legacy name of colors.primary
    accent_color_dark: str = "#818cf8"  # legacy name of colors.primary_dark
    colors: DashboardColorSettings = Field(default_factory=DashboardColorSettings)


class DashboardSettings(_Section):
    enabled: bool = False
    title: str = "Agent Gateway"
    subtitle: str = "AI Control Plane"
    logo_url: str | None = None
    favicon_url: str = "/dashboard/static/dashboard/default-icon.png"
    auth: DashboardAuthSettings = Field(default_factory=DashboardAuthSettings)
    theme: DashboardThemeSettings = Field(default_factory=DashboardThemeSettings)


# ---------------------------------------------------------------- telemetry


class TelemetrySettings(_Section):
    enabled: bool = True
    service_name: str = "agent-gateway"
    exporter: str = "console"  # console | otlp | none
    endpoint: str = "http://localhost:4317"
    protocol: str = "grpc"  # grpc | http
    sample_rate: float = 1.0
