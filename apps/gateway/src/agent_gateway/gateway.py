"""``Gateway``: a FastAPI app that serves the agents of a workspace.

The public contract is the Gateway class reference: names, parameters, defaults, errors and id
formats follow it exactly. The class is a thin host: the fluent methods override the ports of
its :class:`~agent_gateway.composition.container.GatewayContainer`, :mod:`agent_gateway.lifecycle`
asks the container for every port at startup, and every agent call is delegated to the core
:class:`~agent_gateway_core.runtime.Runtime`.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from fastapi import FastAPI
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_gateway._version import __version__
from agent_gateway.fluent import FluentConfiguration
from agent_gateway.schedule_methods import ScheduleMethods
from agent_gateway_core.errors import AgentGatewayError, ConfigError, EngineUnavailableError

# Only what defining the class needs is imported here, so `from agent_gateway import Gateway`
# stays cheap; the API, the composition and the lifecycle load when a Gateway is built.
if TYPE_CHECKING:
    from agent_gateway.composition.container import GatewayContainer
    from agent_gateway.reloader import WorkspaceReloader
    from agent_gateway.services import GatewayServices
    from agent_gateway_core.domain.agent import AgentDefinition
    from agent_gateway_core.domain.conversation import Session
    from agent_gateway_core.domain.execution import ExecutionOptions, ExecutionResult
    from agent_gateway_core.domain.skill import SkillDefinition
    from agent_gateway_core.domain.tool import ToolDefinition
    from agent_gateway_core.engine.execution_engine import ExecutionEngine
    from agent_gateway_core.engine.request import StreamItem
    from agent_gateway_core.engine.schemas import SchemaSource
    from agent_gateway_core.engine.tool_registry import ToolRegistry
    from agent_gateway_core.ports.auth_provider import AuthProvider
    from agent_gateway_core.ports.memory_manager import MemoryManager
    from agent_gateway_core.runtime import Runtime
    from agent_gateway_core.workspace import WorkspaceState

logger = logging.getLogger("agent_gateway")

# The reference registers these twelve groups, in this order, whether or not a group has
# routes yet.
OPENAPI_TAGS = [
    {"name": "Health", "description": "Liveness and readiness."},
    {"name": "Agents", "description": "Discover and invoke agents."},
    {"name": "Chat", "description": "Multi-turn chat, JSON or streamed."},
    {"name": "Sessions", "description": "Live chat sessions."},
    {"name": "Conversations", "description": "Stored chat history of the caller."},
    {"name": "Executions", "description": "Execution records, events and cancellation."},
    {"name": "Schedules", "description": "Cron schedules."},
    {"name": "Tools", "description": "Registered tools."},
    {"name": "Skills", "description": "Skills of the workspace."},
    {"name": "User Config", "description": "Per-user configuration of personal agents."},
    {"name": "Notifications", "description": "Notification delivery log."},
    {"name": "Admin", "description": "Reload and administration."},
]


class Gateway(FluentConfiguration, ScheduleMethods, FastAPI):
    """Serves the agents, skills and tools of a workspace as an HTTP API.

    ``Gateway(workspace="./workspace", auth=True, reload=False, **fastapi_kwargs)``; any
    ``lifespan`` in ``fastapi_kwargs`` runs inside the gateway's own (after startup, before
    shutdown) and any ``openapi_tags`` are appended to the gateway's.
    """

    def __init__(
        self,
        workspace: str | Path = "./workspace",
        auth: bool | Callable[..., Any] | AuthProvider = True,
        reload: bool = False,
        **fastapi_kwargs: Any,
    ) -> None:
        user_lifespan = fastapi_kwargs.pop("lifespan", None)
        user_tags = list(fastapi_kwargs.pop("openapi_tags", None) or [])
        fastapi_kwargs.setdefault("title", "Agent Gateway")
        fastapi_kwargs.setdefault("version", __version__)
        from agent_gateway.api.errors import install_error_handlers
        from agent_gateway.api.router import install_api_routes
        from agent_gateway.composition.auth import auth_from_option
        from agent_gateway.composition.container import GatewayContainer
        from agent_gateway.composition.overrides import choose
        from agent_gateway.middleware import install_middleware
        from agent_gateway_core.engine.hooks import HookRegistry
        from agent_gateway_core.engine.tool_registry import ToolRegistry

        self._workspace_path = Path(workspace)
        self._reload_enabled = reload
        self._user_lifespan = user_lifespan
        self._hooks = HookRegistry()
        self._tool_registry = ToolRegistry()
        self._container = GatewayContainer()
        if auth is not True:  # True: gateway.yaml's auth section decides
            choose(self._container.auth, auth_from_option(auth))
        self._services: GatewayServices | None = None
        self._reloader: WorkspaceReloader | None = None
        self._pending_input_schemas: dict[str, SchemaSource] = {}
        self._pending_output_schemas: dict[str, SchemaSource] = {}
        FluentConfiguration.__init__(
            self, is_started=lambda: self.started, container=self._container
        )
        FastAPI.__init__(
            self,
            lifespan=self._lifespan,
            openapi_tags=[*OPENAPI_TAGS, *user_tags],
            **fastapi_kwargs,
        )
        install_error_handlers(self)
        install_middleware(self, self.state)
        install_api_routes(self)

    def build_middleware_stack(self) -> ASGIApp:
        from agent_gateway.middleware import wrap_outer_middleware

        # Outermost, around Starlette's error middleware (see wrap_outer_middleware).
        return wrap_outer_middleware(super().build_middleware_stack(), self.state)

    # ---------------------------------------------------------------- state

    @property
    def started(self) -> bool:
        return self._services is not None

    def _running(self) -> GatewayServices:
        if self._services is None:
            raise EngineUnavailableError(
                "the gateway is not started: use `async with gateway:` or run it with uvicorn"
            )
        return self._services

    @property
    def services(self) -> GatewayServices | None:
        """The running gateway's runtime and ports; ``None`` before start."""
        return self._services

    @property
    def container(self) -> GatewayContainer:
        """The dependency-injector container choosing each port; override a provider before
        startup to swap an implementation (``gw.container.llm.override(...)``)."""
        return self._container

    @property
    def workspace(self) -> WorkspaceState | None:
        return self._services.runtime.workspace if self._services else None

    @property
    def tool_registry(self) -> ToolRegistry | None:
        return self._services.runtime.tool_registry if self._services else None

    @property
    def engine(self) -> ExecutionEngine | None:
        return self._services.runtime.engine if self._services else None

    @property
    def agents(self) -> dict[str, AgentDefinition]:
        return dict(self._services.runtime.workspace.agents) if self._services else {}

    @property
    def skills(self) -> dict[str, SkillDefinition]:
        return dict(self._services.runtime.workspace.skills) if self._services else {}

    @property
    def tools(self) -> dict[str, ToolDefinition]:
        if self._services is None:
            return {}
        return dict(self._services.runtime.tool_registry.all())

    @property
    def memory_manager(self) -> MemoryManager | None:
        return self._services.runtime.memory_manager if self._services else None

    # ---------------------------------------------------------------- lifecycle

    @asynccontextmanager
    async def _lifespan(self, app: Any) -> AsyncIterator[Any]:
        async with self._started_gateway():
            if self._user_lifespan is None:
                yield None
            else:
                async with self._user_lifespan(app) as state:
                    yield state

    @asynccontextmanager
    async def _started_gateway(self) -> AsyncIterator[Self]:
        await self.startup()
        try:
            yield self
        finally:
            await self.shutdown()

    async def startup(self) -> None:
        """Load the workspace, compose the adapters and start serving. Idempotent per start."""
        from agent_gateway.api.typed_routes import install_typed_invoke_routes
        from agent_gateway.heap import collect_and_freeze
        from agent_gateway.lifecycle import RuntimeHooks, start_services
        from agent_gateway.reloader import WorkspaceReloader

        self._check_not_started()
        try:
            services = await start_services(
                workspace_path=self._workspace_path,
                fluent=self._fluent,
                container=self._container,
                host=RuntimeHooks(
                    hooks=self._hooks,
                    tools=self._tool_registry,
                    configure=self._configure_runtime,
                    on_reloaded=lambda runtime: install_typed_invoke_routes(self, runtime),
                ),
            )
        except Exception as exc:
            logger.error("gateway startup failed: %s", exc)
            raise
        self._services = services
        self.state.services = services
        if services.settings.server.freeze_heap:
            collect_and_freeze()
        install_typed_invoke_routes(self, services.runtime)
        if self._reload_enabled:
            self._reloader = WorkspaceReloader(self._workspace_path, self.reload)
            self._reloader.start()
        workspace = services.runtime.workspace
        _log_settings_notes(workspace)
        logger.info(
            "gateway started: %d agents, %d skills, %d tools from %s (auth %s)",
            len(workspace.agents),
            len(workspace.skills),
            len(services.runtime.tool_registry.all()),
            self._workspace_path,
            "on" if services.auth_enabled else "OFF",
        )

    async def shutdown(self) -> None:
        """Stop background work and close every adapter. Safe to call when not started."""
        from agent_gateway.lifecycle import stop_services

        services, self._services = self._services, None
        if self._reloader is not None:
            await self._reloader.stop()
            self._reloader = None
        if services is not None:
            self.state.services = None
            await stop_services(services, self._container)

    def managed(self) -> contextlib.AbstractAsyncContextManager[Self]:
        """``async with gw.managed():`` — full startup and shutdown without an HTTP server."""
        return self._managed()

    @asynccontextmanager
    async def _managed(self) -> AsyncIterator[Self]:
        async with self._lifespan(self):
            yield self

    async def __aenter__(self) -> Self:
        self._managed_cm = self._managed()
        return await self._managed_cm.__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._managed_cm.__aexit__(exc_type, exc, tb)

    def run(self, **kwargs: Any) -> None:
        """Serve with uvicorn (blocking). ``kwargs`` go to ``uvicorn.run``; host and port
        default to ``server.host`` / ``server.port`` of gateway.yaml."""
        import uvicorn

        from agent_gateway.settings import peek_server_settings

        server = peek_server_settings(self._workspace_path)
        kwargs.setdefault("host", server.host)
        kwargs.setdefault("port", server.port)
        kwargs.setdefault("log_level", server.log_level)
        uvicorn.run(self, **kwargs)

    async def reload(self) -> None:
        """Atomically reload the workspace from disk. In-flight executions finish on the old
        snapshot; a workspace with problems raises WorkspaceError and changes nothing."""
        await self._running().reload()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            send = _without_traceback_of_known_failures(send)
        await super().__call__(scope, receive, send)

    async def health(self) -> dict[str, Any]:
        """Programmatic equivalent of ``GET /v1/health``."""
        from agent_gateway.api.routes.health import health_report

        return await health_report(self._services)

    def mount_to(self, parent: FastAPI, path: str = "/gateway") -> FastAPI:
        """Mount under ``path`` of ``parent`` and run this gateway inside the parent's lifespan."""
        if self.started:
            raise ConfigError("mount_to must be called before the gateway starts")
        if not path or path == "/" or not path.startswith("/"):
            raise ConfigError(f"mount path must start with '/' and not be '/' or empty: {path!r}")
        path = path.rstrip("/")
        parent_lifespan = parent.router.lifespan_context
        gateway = self

        @asynccontextmanager
        async def lifespan(app: Any) -> AsyncIterator[Any]:
            async with gateway._lifespan(gateway) as own_state, parent_lifespan(app) as state:
                merged = {**(own_state or {}), **(state or {})}
                yield merged or None

        parent.router.lifespan_context = lifespan
        parent.mount(path, self)
        return parent

    # ---------------------------------------------------------------- invocation

    def _configure_runtime(self, runtime: Runtime) -> None:
        for agent_id, schema in self._pending_input_schemas.items():
            if agent_id in runtime.workspace.agents:
                runtime.set_input_schema(agent_id, schema)
            else:
                logger.warning("set_input_schema: unknown agent %r, ignored", agent_id)
        for agent_id, schema in self._pending_output_schemas.items():
            if agent_id in runtime.workspace.agents:
                runtime.set_output_schema(agent_id, schema)
            else:
                logger.warning("set_output_schema: unknown agent %r, ignored", agent_id)

    async def invoke(
        self,
        agent_id: str,
        message: str,
        input: dict[str, Any] | None = None,
        options: ExecutionOptions | None = None,
    ) -> ExecutionResult:
        """Invoke an agent programmatically, bypassing HTTP."""
        return await self._running().runtime.invoke(agent_id, message, input, options)

    async def chat(
        self,
        agent_id: str,
        message: str,
        session_id: str | None = None,
        input: dict[str, Any] | None = None,
        options: ExecutionOptions | None = None,
        auth: Any | None = None,
    ) -> tuple[str, ExecutionResult]:
        """One chat turn; returns ``(session_id, result)``."""
        return await self._running().runtime.chat(
            agent_id, message, session_id, input, options, user_id=_user_id(auth)
        )

    def stream_chat(
        self,
        agent_id: str,
        message: str,
        session_id: str | None = None,
        input: dict[str, Any] | None = None,
        options: ExecutionOptions | None = None,
        auth: Any | None = None,
    ) -> AsyncIterator[StreamItem]:
        """A chat turn as a stream of StreamStarted, StreamDelta, tool events, then the result."""
        return self._running().runtime.stream_chat(
            agent_id, message, session_id, input, options, user_id=_user_id(auth)
        )

    def get_session(self, session_id: str) -> Session | None:
        return self._services.runtime.get_session(session_id) if self._services else None

    def delete_session(self, session_id: str) -> bool:
        return self._services.runtime.delete_session(session_id) if self._services else False

    def list_sessions(self, agent_id: str | None = None, limit: int = 50) -> list[Session]:
        if self._services is None:
            return []
        return self._services.runtime.list_sessions(agent_id, limit)

    async def cancel_execution(self, execution_id: str) -> bool:
        """Cancel an execution: in this process, else through the queue to the process running
        it; one still queued is recorded as cancelled at once. ``False`` when it is unknown,
        finished, or out of reach (see :meth:`Runtime.cancel`)."""
        if self._services is None:
            return False
        return await self._services.runtime.cancel(execution_id)

    def is_agent_enabled(self, agent_id: str) -> bool:
        return self._services.runtime.is_agent_enabled(agent_id) if self._services else False

    # ---------------------------------------------------------------- decorators and schemas

    def tool(self, fn: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        """Register a Python function as a tool: ``@gw.tool`` or ``@gw.tool(name=...)``."""
        return (
            self._tool_registry.tool(fn, **options) if fn else self._tool_registry.tool(**options)
        )

    def on(self, event: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register an async lifecycle hook: ``@gw.on("agent.invoke.before")``."""

        def register(callback: Callable[..., Any]) -> Callable[..., Any]:
            self._hooks.on(event, callback)
            return callback

        return register

    def set_input_schema(self, agent_id: str, schema: dict[str, Any] | type[BaseModel]) -> None:
        """Set an agent's input schema in code (overrides AGENT.md). Before startup only."""
        if self.started:
            raise ConfigError(
                "set_input_schema must be called before startup; edit the workspace and reload instead"
            )
        self._pending_input_schemas[agent_id] = schema

    def set_output_schema(self, agent_id: str, schema: dict[str, Any] | type[BaseModel]) -> None:
        """Set an agent's output schema in code (overrides AGENT.md). Before startup only."""
        if self.started:
            raise ConfigError(
                "set_output_schema must be called before startup; edit the workspace and reload instead"
            )
        self._pending_output_schemas[agent_id] = schema


def _log_settings_notes(workspace: WorkspaceState) -> None:
    """Settings accepted with a note are said once at startup, never ignored."""
    from agent_gateway.settings_notes import workspace_notes

    for note in workspace_notes(workspace):
        if note.kind == "not_in_effect":
            logger.warning("%s: %s: not in effect: %s", note.path, note.field, note.message)
        else:
            logger.info("%s: %s: %s", note.path, note.field, note.message)


def _user_id(auth: Any) -> str | None:
    from agent_gateway_core.domain.auth import Principal

    if auth is None:
        return None
    if isinstance(auth, Principal):
        return auth.subject
    subject = getattr(auth, "subject", None) or getattr(auth, "user_id", None)
    return str(subject) if subject else None


__all__: Sequence[str] = ["Gateway"]


def _without_traceback_of_known_failures(send: Send) -> Send:
    """The lifespan's ``send``, minus the traceback Starlette attaches to a startup that failed
    on purpose (a configuration or an unavailable backend): ``startup`` has already logged what
    is wrong in one line, which is all the server prints then."""

    async def send_message(message: Message) -> None:
        if message["type"] == "lifespan.startup.failed" and isinstance(
            sys.exc_info()[1], AgentGatewayError
        ):
            message = {**message, "message": ""}
        await send(message)

    return send_message
