"""What the fluent ``use_*`` methods record before start; applied over gateway.yaml at startup."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent_gateway_core.ports.auth_provider import AuthProvider
    from agent_gateway_core.ports.execution_queue import ExecutionQueue
    from agent_gateway_core.ports.memory_manager import MemoryManager
    from agent_gateway_core.ports.notification_backend import NotificationBackend
    from agent_gateway_core.ports.persistence.backend import PersistenceBackend
    from agent_gateway_core.ports.retriever import Retriever

# Where the embedded SQLite database lives unless configured: relative to the working directory.
DEFAULT_SQLITE_PATH = ".agent-gateway/gateway.db"

_UNSET: Any = object()


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
    """Choices made in code. ``_UNSET`` means "use gateway.yaml"; ``None`` means "disabled"."""

    persistence_settings: dict[str, Any] | None = None  # {"backend": "sqlite", "url": ...}
    persistence: PersistenceBackend | None = _UNSET
    queue_settings: dict[str, Any] | None = None
    queue: ExecutionQueue | None = _UNSET
    oauth2: dict[str, Any] | None = None
    auth_provider: AuthProvider | None = _UNSET
    slack: dict[str, Any] | None = None
    webhooks: list[WebhookOptions] = field(default_factory=list)
    notification_backends: list[NotificationBackend] = field(default_factory=list)
    retrievers: dict[str, Retriever] = field(default_factory=dict)
    memory: MemoryManager | None = _UNSET
    file_memory: bool = False
    mcp_servers: dict[str, McpServerOptions] = field(default_factory=dict)
    cors: dict[str, Any] | None = None
    security_headers: dict[str, Any] | None = None
    proxy_headers: dict[str, Any] | None = None
    dashboard: dict[str, Any] | None = None

    @staticmethod
    def is_set(value: object) -> bool:
        return value is not _UNSET
