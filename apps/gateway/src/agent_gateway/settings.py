"""Gateway settings: ``gateway.yaml`` overridden by ``AGENT_GATEWAY_<SECTION>__<KEY>`` env vars.

The workspace loader has already substituted ``${VAR}`` references and validated the sections
the core owns (``model``, ``guardrails``); this module validates the sections the HTTP app owns
and applies environment overrides on top, so ``AGENT_GATEWAY_SERVER__PORT=9000`` beats the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from agent_gateway.options import DEFAULT_SQLITE_PATH
from agent_gateway.reference_sections import (
    DashboardSettings,
    McpSettings,
    MemorySettings,
    NotificationsSettings,
    RateLimitSettings,
    SchedulerSettings,
    TelemetrySettings,
)
from agent_gateway_core.domain.agent import Guardrails
from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.json_nesting import DEFAULT_MAX_JSON_DEPTH
from agent_gateway_core.workspace import ModelDefaults
from agent_gateway_core.workspace.gateway_config import GATEWAY_FILE
from agent_gateway_core.workspace.model_errors import unknown_key_message
from agent_gateway_core.workspace.state import BusinessContext, ContextRetrieval, TimezoneName

ENV_PREFIX = "AGENT_GATEWAY_"
ENV_DELIMITER = "__"

_SECTION = ConfigDict(extra="forbid")

DEFAULT_MAX_BODY_BYTES = 1024 * 1024


class ServerSettings(BaseModel):
    model_config = _SECTION

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1)
    log_level: str = "info"
    # gc.freeze() the long-lived heap after startup and after the first model call, so full
    # collections do not pause every request, and collect the young generation every 10,000
    # allocations instead of 700 (see agent_gateway.heap).
    freeze_heap: bool = True
    # This process's lease as a gateway instance, renewed every third of it: once it runs out,
    # the others end or hand back the executions it owned (see agent_gateway_core.background).
    instance_lease_seconds: float = Field(default=15.0, ge=2.0, le=30.0)
    # Limits on what a client sends (see agent_gateway.api.limits): a larger body is a 413,
    # JSON nested deeper or holding a bigger object or array than these a 422.
    max_request_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, gt=0)
    max_json_depth: int = Field(default=DEFAULT_MAX_JSON_DEPTH, gt=0, le=200)
    max_json_object_keys: int = Field(default=1_000, gt=0)
    max_json_array_items: int = Field(default=10_000, gt=0)


class ApiKeySettings(BaseModel):
    model_config = _SECTION

    key: SecretStr
    name: str = "default"
    scopes: list[str] = Field(default_factory=lambda: ["*"])


class OAuth2Settings(BaseModel):
    """``auth.oauth2``: bearer tokens (JWTs) of an OAuth2/OIDC issuer, checked against its
    JWKS (used with ``auth.mode`` oauth2 or composite; needs ``agents-gateway[oauth2]``)."""

    model_config = _SECTION

    issuer: str
    audience: str
    jwks_uri: str | None = None  # default: {issuer}/.well-known/jwks.json
    algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256"])
    scope_claim: str = "scope"  # "scp" for Azure AD
    clock_skew_seconds: int = Field(default=30, ge=0, le=300)
    jwks_cache_ttl_seconds: float = Field(default=3600, gt=0)
    min_refetch_interval_seconds: float = Field(default=30, ge=0)
    timeout_seconds: float = Field(default=10, gt=0)


AuthMode = Literal["api_key", "oauth2", "composite", "custom", "none"]
PUBLIC_PATHS = ("/v1/health",)


class AuthSettings(BaseModel):
    """``auth:``. ``mode: none`` turns authentication off, as ``enabled: false`` does; the
    other modes of the existing product are accepted, and API keys are what authenticates."""

    model_config = _SECTION

    enabled: bool = True
    mode: AuthMode = "api_key"
    api_keys: list[ApiKeySettings] = Field(default_factory=list)
    oauth2: OAuth2Settings | None = None
    public_paths: list[str] = Field(default_factory=lambda: list(PUBLIC_PATHS))

    @property
    def active(self) -> bool:
        """Whether callers must authenticate."""
        return self.enabled and self.mode != "none"


class CorsSettings(BaseModel):
    model_config = _SECTION

    enabled: bool = False
    allow_origins: list[str] = Field(default_factory=lambda: ["*"])
    allow_methods: list[str] = Field(default_factory=lambda: ["GET", "POST", "DELETE", "OPTIONS"])
    allow_headers: list[str] = Field(default_factory=lambda: ["Authorization", "Content-Type"])
    allow_credentials: bool = False
    max_age: int = 3600

    @model_validator(mode="after")
    def _credentials_need_explicit_origins(self) -> CorsSettings:
        if self.allow_credentials and "*" in self.allow_origins:
            raise ValueError("allow_credentials: true requires explicit allow_origins, not '*'")
        return self


class SecuritySettings(BaseModel):
    model_config = _SECTION

    enabled: bool = True
    x_content_type_options: str = "nosniff"
    x_frame_options: str = "DENY"
    strict_transport_security: str = "max-age=31536000; includeSubDomains"
    content_security_policy: str = "default-src 'self'"
    referrer_policy: str = "strict-origin-when-cross-origin"
    dashboard_content_security_policy: str | None = None
    # Swagger UI and ReDoc load their scripts from a CDN: the API's strict policy would blank
    # them, so /docs and /redoc get this one (the existing product's default).
    docs_content_security_policy: str = (
        "default-src 'self'; "
        "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
        "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
        "img-src 'self' data: https://fastapi.tiangolo.com"
    )


class ProxySettings(BaseModel):
    """``proxy:``: believe ``X-Forwarded-*`` only from these addresses (behind a trusted
    proxy); the existing product's section, also set in code by ``use_proxy_headers``."""

    model_config = _SECTION

    trust_forwarded: bool = False
    forwarded_allow_ips: str = "127.0.0.1"


# The embedded default: a SQLite file under the directory the gateway is started from.

SQLITE_IN_MEMORY = ":memory:"
POSTGRES_URL_PREFIX = "postgresql+asyncpg://"
# The existing product names its SQLite file as a SQLAlchemy URL.
SQLITE_URL_PREFIXES = ("sqlite+aiosqlite:///", "sqlite:///")


def sqlite_path_of(url: str) -> str:
    """The file of a SQLite URL: ``sqlite+aiosqlite:///app.db`` is ``app.db`` (relative to the
    working directory), ``sqlite:////var/app.db`` is ``/var/app.db``."""
    path = url.split(":///", 1)[1].split("?", 1)[0]
    if not path:
        raise ValueError(f"the SQLite url names no file: {url!r}")
    return path


class PersistenceSettings(BaseModel):
    """``persistence:``. ``migrate`` defaults to ``upgrade`` for SQLite (embedded: the schema
    follows the installed version) and ``check`` for PostgreSQL (production: a schema that is
    behind stops startup, and ``agents-gateway db upgrade`` brings it up to date)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    backend: Literal["memory", "sqlite", "postgres"] = "sqlite"
    path: str = DEFAULT_SQLITE_PATH
    url: str | None = None
    schema_: str | None = Field(default=None, alias="schema")
    table_prefix: str = ""
    pool_size: int = Field(default=10, ge=1)
    max_overflow: int = Field(default=20, ge=0)
    migrate: Literal["check", "upgrade"] | None = None
    connect_timeout_seconds: float = Field(default=5.0, gt=0)
    statement_timeout_seconds: float = Field(default=10.0, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _reference_keys(cls, data: Any) -> Any:
        """The existing product's keys, with the meaning they have there: ``enabled: false``
        keeps nothing durable, ``db_schema`` is ``schema``, and a SQLite ``url``
        (``sqlite+aiosqlite:///file.db``) names the file."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "db_schema" in data:
            db_schema = data.pop("db_schema")
            if data.get("schema", db_schema) != db_schema:
                raise ValueError("schema and db_schema (its alias) disagree: set only one")
            data["schema"] = db_schema
        enabled = data.pop("enabled", True)
        if not isinstance(enabled, bool):
            raise ValueError(f"enabled must be true or false, got {enabled!r}")
        url = data.get("url")
        if isinstance(url, str) and url.startswith(SQLITE_URL_PREFIXES):
            if data.setdefault("backend", "sqlite") == "postgres":
                raise ValueError("a SQLite url cannot serve backend: postgres")
            if "path" in data:
                raise ValueError("set the SQLite file with path or url, not both")
            data["path"] = sqlite_path_of(url)
            del data["url"]
        elif isinstance(url, str) and url.startswith(POSTGRES_URL_PREFIX):
            data.setdefault("backend", "postgres")
        if not enabled:
            data["backend"] = "memory"
        return data

    @field_validator("backend", mode="before")
    @classmethod
    def _none_is_memory(cls, value: object) -> object:
        # ``none`` (nothing durable) is the documented alias of ``memory``.
        return "memory" if value == "none" else value

    @model_validator(mode="after")
    def _postgres_needs_an_asyncpg_url(self) -> PersistenceSettings:
        if self.backend != "postgres":
            return self
        if not self.url:
            raise ValueError("the postgres backend needs url: postgresql+asyncpg://...")
        if not self.url.startswith(POSTGRES_URL_PREFIX):
            where = self.url.split("@")[-1]  # never echo a password
            raise ValueError(
                f"url must be an asyncpg DSN (postgresql+asyncpg://...), got {where!r}"
            )
        return self

    @property
    def migrate_mode(self) -> Literal["check", "upgrade"]:
        """``migrate`` as set, else the backend's default."""
        if self.migrate is not None:
            return self.migrate
        return "upgrade" if self.backend == "sqlite" else "check"

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite database file, absolute; ``None`` unless the backend is a SQLite file."""
        if self.backend != "sqlite" or self.path == SQLITE_IN_MEMORY:
            return None
        return Path(self.path).expanduser().resolve()


class QueueSettings(BaseModel):
    """``queue:``: ours (``backend``, ``url``, ``workers``) and the existing product's keys.
    ``max_retries`` and ``visibility_timeout_s`` govern the in-memory queue too; the others
    are for the Redis and RabbitMQ queues."""

    model_config = _SECTION

    backend: Literal["memory", "redis", "rabbitmq", "none"] = "memory"
    url: str | None = None
    # Background executions this process runs at once; 0: accept only (an API tier whose
    # workers are other processes, so the queue must be redis or rabbitmq).
    workers: int = Field(default=8, ge=0)
    redis_url: str = "redis://localhost:6379/0"
    rabbitmq_url: str = "amqp://guest:guest@localhost:5672/"
    stream_key: str = "ag:executions"
    queue_name: str = "ag.executions"
    consumer_group: str = "ag-workers"
    max_retries: int = Field(default=3, ge=0)  # a failing job runs max_retries + 1 times
    visibility_timeout_s: int = Field(default=300, gt=0)
    drain_timeout_s: int = 30
    default_execution_mode: str = "sync"  # sync | async

    @model_validator(mode="after")
    def _accepting_only_needs_a_shared_queue(self) -> QueueSettings:
        if self.workers == 0 and self.backend in ("memory", "none"):
            raise ValueError(
                f"workers: 0 accepts work for worker processes, which the {self.backend!r} "
                "backend cannot reach: use backend redis or rabbitmq, or workers of 1 or more"
            )
        return self


class SessionSettings(BaseModel):
    model_config = _SECTION

    ttl_seconds: float = Field(default=3600.0, gt=0)
    max_sessions: int = Field(default=10_000, gt=0)


class _SettingEnvSource(EnvSettingsSource):
    """Only ``AGENT_GATEWAY_<SECTION>__<KEY>`` variables are setting overrides.

    A variable without the delimiter (``AGENT_GATEWAY_MODEL``, ``AGENT_GATEWAY_WORKSPACE``) is
    not a whole section as JSON: gateway.yaml and the CLI use such names as plain values.
    """

    def _load_env_vars(self) -> Mapping[str, str | None]:
        prefix = ENV_PREFIX.lower()
        return {
            name: value
            for name, value in super()._load_env_vars().items()
            if not name.lower().startswith(prefix) or ENV_DELIMITER in name[len(prefix) :]
        }


def _env_then_file(
    settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource
) -> tuple[PydanticBaseSettingsSource, ...]:
    # The file comes in as init kwargs; env vars must override it, not the reverse.
    return _SettingEnvSource(settings_cls), init_settings


class GatewaySettings(BaseSettings):
    """All of gateway.yaml, typed. Environment variables win over the file."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_DELIMITER,
        extra="forbid",
        case_sensitive=False,
    )

    server: ServerSettings = Field(default_factory=ServerSettings)
    timezone: TimezoneName = "UTC"
    model: ModelDefaults = Field(default_factory=ModelDefaults)
    guardrails: Guardrails = Field(default_factory=Guardrails)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    cors: CorsSettings = Field(default_factory=CorsSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    proxy: ProxySettings = Field(default_factory=ProxySettings)
    persistence: PersistenceSettings = Field(default_factory=PersistenceSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    sessions: SessionSettings = Field(default_factory=SessionSettings)
    context: BusinessContext = Field(default_factory=dict)
    context_retrieval: ContextRetrieval = Field(default_factory=ContextRetrieval)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    memory: MemorySettings = Field(default_factory=MemorySettings)
    mcp: McpSettings = Field(default_factory=McpSettings)
    notifications: NotificationsSettings = Field(default_factory=NotificationsSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)
    telemetry: TelemetrySettings = Field(default_factory=TelemetrySettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return _env_then_file(settings_cls, init_settings)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> GatewaySettings:
        """Validate gateway.yaml's mapping, with environment overrides applied on top."""
        return cls(**dict(config))


def settings_problems(exc: ValidationError) -> list[WorkspaceProblem]:
    """One problem per invalid setting, attributed to the env var that set it, else the file.

    An unknown key names the known key it is probably a typo of, as the core does for its
    sections: ``unknown key 'enabeld'; did you mean 'enabled'?``.
    """
    set_vars = {name.upper() for name in os.environ}
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        env_name = ENV_PREFIX + ENV_DELIMITER.join(loc).upper()
        source = f"environment variable {env_name}" if env_name in set_vars else GATEWAY_FILE
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = unknown_key_message(GatewaySettings, error["loc"])
        problems.append(WorkspaceProblem(source, message, ".".join(loc)))
    return problems


def peek_server_settings(workspace: str | Path) -> ServerSettings:
    """``server:`` of gateway.yaml with env overrides, read without loading the workspace.

    ``Gateway.run`` needs host and port before uvicorn starts the app (which loads the rest).
    This is best effort: anything wrong here is reported in full, file and field, when the
    app starts, so a problem falls back to the defaults instead of raising a traceback.
    """
    import yaml

    path = Path(workspace) / "gateway.yaml"
    raw: dict[str, Any] = {}
    try:
        data = yaml.safe_load(path.read_text()) if path.exists() else None
    except (OSError, yaml.YAMLError):
        data = None
    server = data.get("server") if isinstance(data, dict) else None
    if isinstance(server, dict):
        raw = {k: v for k, v in server.items() if not (isinstance(v, str) and "${" in v)}
    for candidate in (raw, {}):
        try:
            return _ServerOnly.model_validate({"server": candidate}).server
        except (ValidationError, ValueError):
            continue
    return ServerSettings()


class _ServerOnly(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter=ENV_DELIMITER, extra="ignore"
    )

    server: ServerSettings = Field(default_factory=ServerSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return _env_then_file(settings_cls, init_settings)
