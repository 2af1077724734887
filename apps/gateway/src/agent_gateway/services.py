"""What a started gateway runs on: built once at startup, torn down at shutdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent_gateway.settings import GatewaySettings
from agent_gateway_core.clock import SystemClock
from agent_gateway_core.ports.auth_provider import AuthProvider
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.execution_queue import ExecutionQueue
from agent_gateway_core.ports.llm_client import LLMClient
from agent_gateway_core.ports.persistence.backend import PersistenceBackend
from agent_gateway_core.runtime import Runtime


@dataclass(kw_only=True)
class GatewayServices:
    """The running gateway's ports and runtime. Routes reach it as ``request.app.state.services``."""

    settings: GatewaySettings
    runtime: Runtime
    persistence: PersistenceBackend
    queue: ExecutionQueue | None
    llm: LLMClient
    auth_enabled: bool
    auth_provider: AuthProvider | None
    started_at: datetime
    clock: Clock = field(default_factory=SystemClock)
    local_model: Any = None  # the bundled local model server, when an agent uses local/...
    background: set[Any] = field(default_factory=set)  # tasks to cancel at shutdown
