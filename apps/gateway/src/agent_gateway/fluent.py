"""The fluent ``use_*`` methods of Gateway. Each records a choice and returns ``self``.

A choice of a port (persistence, queue, auth, memory) overrides that port's provider on the
gateway's container, so code wins over gateway.yaml; other choices are kept in
:class:`~agent_gateway.options.FluentOptions`. All of them raise RuntimeError
(AlreadyStartedError) once the gateway has started. Adapters are imported at startup, so a
missing extra fails there with the exact ``pip install`` line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from agent_gateway.options import (
    DEFAULT_SQLITE_PATH,
    FluentOptions,
    McpServerOptions,
    WebhookOptions,
)
from agent_gateway_core.errors import AlreadyStartedError, ConfigError
from agent_gateway_core.mcp_servers import joined_scopes, validate_server_name
from agent_gateway_core.retrievers import as_retriever

if TYPE_CHECKING:
    from dependency_injector.providers import Provider

    from agent_gateway.composition.container import GatewayContainer
    from agent_gateway_core.ports.auth_provider import AuthProvider
    from agent_gateway_core.ports.execution_queue import ExecutionQueue
    from agent_gateway_core.ports.memory_manager import MemoryManager
    from agent_gateway_core.ports.notification_backend import NotificationBackend
    from agent_gateway_core.ports.persistence.backend import PersistenceBackend
    from agent_gateway_core.ports.retriever import AnyRetriever
    from agent_gateway_core.ports.tool_provider import McpTokenProvider

MCP_TRANSPORTS = ("stdio", "streamable_http")


class FluentConfiguration:
    """Mixin holding the fluent configuration API of Gateway.

    ``is_started`` tells whether the host has started; every method refuses to run once it has.
    Port choices become overrides on ``container``.
    """

    def __init__(self, is_started: Callable[[], bool], container: GatewayContainer) -> None:
        self._fluent = FluentOptions()
        self._is_started = is_started
        self._ports = container

    def _check_not_started(self) -> None:
        if self._is_started():
            raise AlreadyStartedError(
                "the gateway has already started; configure it before startup"
            )

    # ---------------------------------------------------------------- persistence

    def use_sqlite(self, path: str | Path = DEFAULT_SQLITE_PATH) -> Self:
        """SQLite persistence in the file ``path`` (relative to the working directory; its
        folder is created). ``":memory:"`` keeps a non-durable database for tests."""
        self._check_not_started()
        self._use_persistence_settings({"backend": "sqlite", "path": str(path)})
        return self

    def use_postgres(
        self,
        url: str,
        schema: str | None = None,
        table_prefix: str = "",
        pool_size: int = 10,
        max_overflow: int = 20,
    ) -> Self:
        """PostgreSQL persistence (``postgresql+asyncpg://...``). Requires ``[postgres]``."""
        self._check_not_started()
        if not url.startswith("postgresql+asyncpg://"):
            raise ConfigError(
                f"use_postgres needs an asyncpg DSN (postgresql+asyncpg://...), got {url.split('@')[-1]!r}"
            )
        self._use_persistence_settings(
            {
                "backend": "postgres",
                "url": url,
                "schema": schema,
                "table_prefix": table_prefix,
                "pool_size": pool_size,
                "max_overflow": max_overflow,
            }
        )
        return self

    def use_persistence(self, backend: PersistenceBackend | None) -> Self:
        """A custom PersistenceBackend (initialized and closed by the gateway); ``None`` keeps
        nothing durable: the in-process store, gone when the process ends."""
        self._check_not_started()
        if backend is None:
            self._use_persistence_settings({"backend": "memory"})
        else:
            _choose(self._ports.persistence, backend)
        return self

    def _use_persistence_settings(self, options: dict[str, Any]) -> None:
        from agent_gateway.composition.persistence import persistence_from_code

        # Validated at startup (a ConfigError then names the problem), like gateway.yaml.
        _choose_built(self._ports.persistence_settings, persistence_from_code, options)
        self._ports.persistence.reset_override()

    # ---------------------------------------------------------------- queues

    def use_memory_queue(self) -> Self:
        """An in-process queue: jobs are lost on restart; no ``--worker-only`` mode."""
        self._check_not_started()
        self._use_queue_settings({"backend": "memory"})
        return self

    def use_redis_queue(
        self,
        url: str = "redis://localhost:6379/0",
        stream_key: str = "ag:executions",
        consumer_group: str = "ag-workers",
    ) -> Self:
        """Redis Streams queue. Requires ``agents-gateway[redis]``."""
        self._check_not_started()
        self._use_queue_settings(
            {
                "backend": "redis",
                "url": url,
                "stream_key": stream_key,
                "consumer_group": consumer_group,
            }
        )
        return self

    def use_rabbitmq_queue(
        self, url: str = "amqp://guest:guest@localhost:5672/", queue_name: str = "ag.executions"
    ) -> Self:
        """RabbitMQ queue. Requires ``agents-gateway[rabbitmq]``."""
        self._check_not_started()
        self._use_queue_settings({"backend": "rabbitmq", "url": url, "queue_name": queue_name})
        return self

    def use_queue(self, queue: ExecutionQueue | None) -> Self:
        """A custom ExecutionQueue; ``None`` runs background executions nowhere (no queue)."""
        self._check_not_started()
        _choose(self._ports.queue, queue)
        return self

    def _use_queue_settings(self, options: dict[str, Any]) -> None:
        from agent_gateway.composition.queue import queue_from_settings

        _choose_built(self._ports.queue_settings, queue_from_settings, options)
        self._ports.queue.reset_override()

    # ---------------------------------------------------------------- auth

    def use_api_keys(self, keys: list[dict[str, Any]]) -> Self:
        """API keys: dicts with ``key`` and optional ``name`` and ``scopes`` (``["*"]`` = all).

        Keys are hashed immediately; the plaintext is not retained.
        """
        self._check_not_started()
        from agent_gateway.auth.api_keys import ApiKeyAuthProvider

        _choose(self._ports.api_key_auth, ApiKeyAuthProvider(keys))
        _release(self._ports.auth)  # works with use_oauth2, instead of a use_auth provider
        return self

    def use_oauth2(
        self,
        issuer: str,
        audience: str,
        jwks_uri: str | None = None,
        algorithms: list[str] | None = None,
        scope_claim: str = "scope",
    ) -> Self:
        """OAuth2/OIDC JWT validation. Requires ``agents-gateway[oauth2]``.

        ``jwks_uri`` defaults to ``{issuer}/.well-known/jwks.json`` and ``algorithms`` to
        ``["RS256", "ES256"]``; set ``scope_claim="scp"`` for Azure AD. With
        :meth:`use_api_keys` too, a caller may present either.
        """
        self._check_not_started()
        from agent_gateway.composition.auth import open_oauth2

        # None takes the adapter's default (one place for it).
        options = {
            "issuer": issuer,
            "audience": audience,
            "jwks_uri": jwks_uri,
            "algorithms": algorithms,
            "scope_claim": scope_claim,
        }
        _choose_resource(self._ports.oauth2_auth, open_oauth2, options)
        _release(self._ports.auth)  # works with use_api_keys, instead of a use_auth provider
        return self

    def use_auth(self, provider: AuthProvider | Callable[..., Any] | None) -> Self:
        """A custom AuthProvider (or a callable ``fn(token)`` returning a Principal, a subject,
        or a falsy value to refuse), instead of API keys and OAuth2; ``None`` disables
        authentication."""
        self._check_not_started()
        from agent_gateway.composition.auth import auth_from_option

        _choose(self._ports.auth, auth_from_option(provider))
        return self

    # ---------------------------------------------------------------- notifications

    def use_slack_notifications(
        self,
        bot_token: str,
        default_channel: str = "#agent-alerts",
        templates_dir: Path | str | None = None,
    ) -> Self:
        """Slack notifications. Requires ``agents-gateway[slack]``."""
        self._check_not_started()
        self._fluent.slack = {
            "bot_token": bot_token,
            "default_channel": default_channel,
            "templates_dir": str(templates_dir) if templates_dir else None,
        }
        return self

    def use_webhook_notifications(
        self,
        url: str,
        name: str = "default",
        secret: str = "",
        events: list[str] | None = None,
        payload_template: str | None = None,
    ) -> Self:
        """Add a webhook endpoint (call again for more); agents refer to it by ``name``."""
        self._check_not_started()
        if any(w.name == name for w in self._fluent.webhooks):
            raise ConfigError(f"a webhook named {name!r} is already registered")
        self._fluent.webhooks.append(
            WebhookOptions(url, name, secret, list(events or []), payload_template)
        )
        return self

    def use_notifications(self, backend: NotificationBackend | None) -> Self:
        """Register a custom NotificationBackend; ``None`` clears all registered backends."""
        self._check_not_started()
        if backend is None:
            self._fluent.notification_backends = []
            self._fluent.webhooks.clear()
            self._fluent.slack = None
        else:
            self._fluent.notification_backends.append(backend)
        return self

    # ---------------------------------------------------------------- retrieval and memory

    def use_retriever(self, name: str, retriever: AnyRetriever) -> Self:
        """Register a named retriever that AGENT.md ``retrievers:`` can reference.

        ``retriever`` follows the Retriever port (``async retrieve(query: RetrievalQuery)``)
        or the protocol of agents-gateway 0.2 (``async retrieve(*, query, agent_id)``); its
        optional ``initialize()`` / ``close()`` run at startup / shutdown. Raises ValueError
        for a name already registered, ConfigError for an object following neither protocol.
        """
        self._check_not_started()
        if name in self._fluent.retrievers:
            raise ValueError(f"a retriever named {name!r} is already registered")
        self._fluent.retrievers[name] = as_retriever(name, retriever)
        return self

    def use_memory(self, backend: MemoryManager) -> Self:
        """A memory backend (the MemoryManager port) for agents whose AGENT.md has
        ``memory: {enabled: true}``; it turns memory on whatever gateway.yaml's
        ``memory.enabled`` says. See docs/memory.md."""
        self._check_not_started()
        _choose(self._ports.memory, backend)
        return self

    def use_file_memory(self) -> Self:
        """The built-in file memory: structured markdown in the workspace,
        ``agents/{id}/MEMORY.md`` for agent-wide memories and ``agents/{id}/memory/{user}.md``
        per user, capped at gateway.yaml's ``memory.max_memory_md_lines`` lines. Zero
        infrastructure; for replicas, use SQL persistence with ``memory.enabled: true``."""
        self._check_not_started()
        self._fluent.file_memory = True
        return self

    # ---------------------------------------------------------------- MCP

    def add_mcp_server(
        self,
        name: str,
        transport: str,
        *,
        command: str | None = None,
        args: list[str] | None = None,
        env: dict[str, str] | None = None,
        url: str | None = None,
        headers: dict[str, str] | None = None,
        credentials: dict[str, Any] | None = None,
        token_provider: McpTokenProvider | None = None,
        enabled: bool = True,
    ) -> Self:
        """Register an MCP server whose tools become ``{name}__{tool}`` for the agents whose
        AGENT.md lists it in ``mcp_servers:``.

        ``transport`` is ``"stdio"`` (``command``, ``args``, ``env``: a subprocess, started at
        startup, restarted if it dies) or ``"streamable_http"`` (``url``, ``headers``;
        reconnected on failure). ``credentials`` (HTTP) is ``{"bearer_token": ...}``,
        ``{"api_key": ..., "api_key_header": ...}`` or OAuth2 client credentials
        (``{"auth_type": "oauth2_client_credentials", "token_url", "client_id",
        "client_secret", "scopes"}``); a ``token_provider`` (``async get_token() -> str``)
        takes precedence over them. Needs ``pip install agents-gateway[mcp]``.

        Raises ValueError for another transport, a missing command or url, a name that
        cannot prefix tool names, or a name already registered.
        """
        self._check_not_started()
        if transport not in MCP_TRANSPORTS:
            raise ValueError(f"transport must be 'stdio' or 'streamable_http', got {transport!r}")
        validate_server_name(name)
        if name in self._fluent.mcp_servers:
            raise ValueError(f"an MCP server named {name!r} is already registered")
        given: dict[str, Any] = dict(credentials or {})
        flat = joined_scopes(given)
        given = flat if isinstance(flat, dict) else given
        not_text = sorted(key for key, value in given.items() if not isinstance(value, str))
        if not_text:
            raise ValueError(f"MCP server {name!r}: credentials must be strings: {not_text}")
        if transport == "stdio" and not command:
            raise ValueError("a stdio MCP server needs a command")
        if transport == "streamable_http" and not url:
            raise ValueError("a streamable_http MCP server needs a url")
        self._fluent.mcp_servers[name] = McpServerOptions(
            name=name,
            transport=transport,
            command=command,
            args=list(args or []),
            env=dict(env or {}),
            url=url,
            headers=dict(headers or {}),
            credentials=given,
            token_provider=token_provider,
            enabled=enabled,
        )
        return self

    # ---------------------------------------------------------------- HTTP

    def use_cors(
        self,
        *,
        allow_origins: list[str] | None = None,
        allow_methods: list[str] | None = None,
        allow_headers: list[str] | None = None,
        allow_credentials: bool = False,
        max_age: int = 3600,
    ) -> Self:
        """Enable CORS. ``allow_credentials=True`` needs explicit origins, not ``*``."""
        self._check_not_started()
        origins = allow_origins if allow_origins is not None else ["*"]
        if allow_credentials and "*" in origins:
            raise ConfigError("allow_credentials=True requires explicit allow_origins, not '*'")
        self._fluent.cors = {
            "enabled": True,
            "allow_origins": origins,
            "allow_methods": allow_methods or ["GET", "POST", "DELETE", "OPTIONS"],
            "allow_headers": allow_headers or ["Authorization", "Content-Type"],
            "allow_credentials": allow_credentials,
            "max_age": max_age,
        }
        return self

    def use_security_headers(
        self,
        *,
        x_content_type_options: str = "nosniff",
        x_frame_options: str = "DENY",
        strict_transport_security: str = "max-age=31536000; includeSubDomains",
        content_security_policy: str = "default-src 'self'",
        referrer_policy: str = "strict-origin-when-cross-origin",
        dashboard_content_security_policy: str | None = None,
    ) -> Self:
        """Override security header values (headers are on by default)."""
        self._check_not_started()
        self._fluent.security_headers = {
            "x_content_type_options": x_content_type_options,
            "x_frame_options": x_frame_options,
            "strict_transport_security": strict_transport_security,
            "content_security_policy": content_security_policy,
            "referrer_policy": referrer_policy,
            "dashboard_content_security_policy": dashboard_content_security_policy,
        }
        return self

    def use_proxy_headers(
        self, *, trust_forwarded: bool = True, forwarded_allow_ips: str = "127.0.0.1"
    ) -> Self:
        """Trust X-Forwarded-* from the given proxy addresses (only behind a trusted proxy)."""
        self._check_not_started()
        self._fluent.proxy_headers = {
            "trust_forwarded": trust_forwarded,
            "forwarded_allow_ips": forwarded_allow_ips,
        }
        return self

    # ---------------------------------------------------------------- dashboard

    def use_dashboard(
        self,
        *,
        title: str | None = None,
        subtitle: str | None = None,
        logo_url: str | None = None,
        favicon_url: str | None = None,
        auth_username: str | None = None,
        auth_password: str | None = None,
        theme: str | None = None,
        accent_color: str | None = None,
        primary_color: str | None = None,
        secondary_color: str | None = None,
        surface_color: str | None = None,
        sidebar_color: str | None = None,
        danger_color: str | None = None,
        oauth2_issuer: str | None = None,
        oauth2_client_id: str | None = None,
        oauth2_client_secret: str | None = None,
        oauth2_scopes: list[str] | None = None,
        login_button_text: str | None = None,
        admin_username: str | None = None,
        admin_password: str | None = None,
        session_secret: str | None = None,
        session_cookie_name: str | None = None,
        session_cookie_same_site: str | None = None,
        session_cookie_https_only: bool | None = None,
        session_cookie_domain: str | None = None,
        session_max_age_seconds: int | None = None,
    ) -> Self:
        """Enable the web dashboard at ``/dashboard`` (its own session-based login).

        Password login and OAuth2 are mutually exclusive (ConfigError at startup).
        """
        self._check_not_started()
        if theme is not None and theme not in ("light", "dark", "auto"):
            raise ConfigError(f"theme must be 'light', 'dark' or 'auto', got {theme!r}")
        if session_cookie_same_site is not None and session_cookie_same_site not in (
            "lax",
            "strict",
            "none",
        ):
            raise ConfigError(
                f"session_cookie_same_site must be 'lax', 'strict' or 'none', got "
                f"{session_cookie_same_site!r}"
            )
        options = {k: v for k, v in locals().items() if k not in ("self", "options")}
        self._fluent.dashboard = options
        return self


# The container (and dependency-injector) is loaded once a Gateway is built, never before:
# ``from agent_gateway import Gateway`` stays cheap.


def _choose(port: Provider[Any], value: object) -> None:
    from agent_gateway.composition.overrides import choose

    choose(port, value)


def _choose_built(port: Provider[Any], build: Callable[..., Any], options: dict[str, Any]) -> None:
    from agent_gateway.composition.overrides import choose_built

    choose_built(port, build, options)


def _choose_resource(
    port: Provider[Any], open_: Callable[..., Any], options: dict[str, Any]
) -> None:
    from agent_gateway.composition.overrides import choose_resource

    choose_resource(port, open_, options)


def _release(port: Provider[Any]) -> None:
    from agent_gateway.composition.overrides import release

    release(port)
