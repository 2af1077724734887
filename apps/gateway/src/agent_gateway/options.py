"""What the fluent ``use_*`` methods record before start; applied over gateway.yaml at startup."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent_gateway_core.ports.notification_backend import NotificationBackend
    from agent_gateway_core.ports.retriever import Retriever

# Where the embedded SQLite database lives unless configured: relative to the working directory.
DEFAULT_SQLITE_PATH = ".agent-gateway/gateway.db"


@dataclass
class McpServerOptions:
    name: str
    transport: str
    command: str | None = None
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)
    token_provider: Any = None
    enabled: bool = True


@dataclass
class WebhookOptions:
    url: str
    name: str
    secret: str
    events: list[str]
    payload_template: str | None


@dataclass
class FluentOptions:
    """Choices made in code other than the ports (those are overrides on the container): the
    HTTP policy, retrievers, and features whose providers are still to come. Each is applied,
    or refused with a clear error, at startup."""

    slack: dict[str, Any] | None = None
    webhooks: list[WebhookOptions] = field(default_factory=list)
    notification_backends: list[NotificationBackend] = field(default_factory=list)
    retrievers: dict[str, Retriever] = field(default_factory=dict)
    file_memory: bool = False
    mcp_servers: dict[str, McpServerOptions] = field(default_factory=dict)
    cors: dict[str, Any] | None = None
    security_headers: dict[str, Any] | None = None
    proxy_headers: dict[str, Any] | None = None
    dashboard: dict[str, Any] | None = None
    # False in a ``--worker-only`` process: the API tier fires the schedules.
    run_scheduler: bool = True
