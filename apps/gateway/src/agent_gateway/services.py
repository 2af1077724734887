"""What a started gateway runs on: built once at startup, torn down at shutdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from starlette.requests import Request

from agent_gateway.auth.public_paths import PublicPaths
from agent_gateway.composition.local_model import LocalModelHandle
from agent_gateway.http_policy import HttpPolicy
from agent_gateway.settings import GatewaySettings
from agent_gateway.workspace_reload import WorkspaceReload
from agent_gateway_core.domain.auth import Principal
from agent_gateway_core.ports.auth_provider import AuthProvider
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.execution_queue import ExecutionQueue
from agent_gateway_core.ports.llm_client import LLMClient
from agent_gateway_core.ports.persistence.backend import PersistenceBackend
from agent_gateway_core.runtime import Runtime


class RequestLimiter(Protocol):
    """Counts a request against its caller's rate limit; raises when it is over."""

    async def check(self, request: Request, principal: Principal) -> None: ...


@dataclass(kw_only=True)
class GatewayServices:
    """The running gateway's ports, runtime and policies. Routes reach it as
    ``request.app.state.services`` and nothing else of the app."""

    settings: GatewaySettings
    runtime: Runtime
    persistence: PersistenceBackend
    queue: ExecutionQueue | None
    llm: LLMClient
    auth_provider: AuthProvider | None  # None: authentication is off
    http_policy: HttpPolicy
    reload: WorkspaceReload  # await services.reload()
    clock: Clock
    started_at: datetime
    local_model: LocalModelHandle | None = None  # the bundled model, when an agent uses local/
    public_paths: PublicPaths = field(default_factory=lambda: PublicPaths(["/v1/health"]))
    rate_limiter: RequestLimiter | None = None  # None: no rate limit
    auth_enabled: bool = field(init=False)  # read on every request: a field, not a property

    def __post_init__(self) -> None:
        self.auth_enabled = self.auth_provider is not None
