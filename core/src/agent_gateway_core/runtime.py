"""Runtime: the core composed from its ports, usable from any host — a script, a worker, an app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from agent_gateway_core.background.executions import BackgroundExecutions
from agent_gateway_core.background.lease import InstanceLease
from agent_gateway_core.background.recovery import OrphanRecovery, RecoveryReport
from agent_gateway_core.chat import ChatTurns
from agent_gateway_core.clock import SystemClock
from agent_gateway_core.domain.conversation import Session
from agent_gateway_core.domain.execution import ExecutionOptions, ExecutionRecord, ExecutionResult
from agent_gateway_core.domain.ids import new_instance_id
from agent_gateway_core.domain.user_config import AgentConfigView
from agent_gateway_core.engine.cancellation import CancellationRegistry
from agent_gateway_core.engine.execution_engine import ExecutionEngine
from agent_gateway_core.engine.final_writes import FinalWrites
from agent_gateway_core.engine.hooks import (
    AGENT_INVOKE_AFTER,
    AGENT_INVOKE_ERROR,
    HookCallback,
    HookRegistry,
)
from agent_gateway_core.engine.request import CallerLabels, ExecutionRequest, StreamItem
from agent_gateway_core.engine.schemas import SchemaSource
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.errors import (
    ConfigError,
    MemoryNotConfiguredError,
    WorkspaceError,
    WorkspaceProblem,
)
from agent_gateway_core.mcp_servers import McpServerDirectory, StaticMcpServer
from agent_gateway_core.memory.compaction import MemoryCompactionResult
from agent_gateway_core.memory.policy import MemoryPolicy
from agent_gateway_core.memory.service import MemoryService
from agent_gateway_core.notifications import DeliveryConfig, NotificationDispatcher
from agent_gateway_core.personal_agents import PersonalAgentConfigs
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.execution_queue import Delivery, ExecutionQueue
from agent_gateway_core.ports.llm_client import LLMClient
from agent_gateway_core.ports.mcp_connector import McpConnector
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_core.ports.notification_backend import NotificationBackend
from agent_gateway_core.ports.persistence.backend import PersistenceBackend
from agent_gateway_core.ports.retriever import AnyRetriever
from agent_gateway_core.ports.schedule_lock import ScheduleLock
from agent_gateway_core.ports.tool_provider import ToolProvider
from agent_gateway_core.retrievers import RetrieverSet
from agent_gateway_core.scheduling import SchedulerConfig, SchedulerEngine
from agent_gateway_core.sessions import ConversationLog, SessionStore
from agent_gateway_core.workspace.state import WorkspaceState

logger = logging.getLogger(__name__)

JsonSchema = dict[str, Any]


class Runtime:
    """Invoke agents, chat in sessions, run executions in the background, cancel them, fire
    cron schedules (:meth:`start_scheduler`), reload the workspace.

    Every port is passed in; ``persistence`` is required because an execution is always
    stored before the model is called. ``queue`` carries background executions to workers
    (any process sharing it); without one they run in tasks of this process. ``aclose`` (or
    leaving ``async with``) stops the worker and this process's background executions, then
    closes the LLM client, the tool providers and the retrievers — and the store when
    :meth:`embedded` created it. The queue stays open: whoever made it closes it.
    ``retrievers`` follow the Retriever port or the keyword protocol of agents-gateway 0.2
    (see :mod:`agent_gateway_core.retrievers`); their optional ``initialize()`` runs in
    :meth:`start`, ``close()`` in :meth:`aclose`. With a workspace directory,
    ``await Runtime.embedded("./workspace", llm=...)`` loads it and wires an in-memory store.

    With a ``memory`` manager, agents with ``memory.enabled`` get the caller's and the
    agent-wide memories in their prompt and the memory tools; ``memory_policy``
    (gateway.yaml's ``memory:``) adds extraction after turns, in the background, and
    compaction (:meth:`compact_memory`). See :mod:`agent_gateway_core.memory`.

    Each runtime is one gateway *instance* (``instance_id``, random by default): from
    :meth:`start` on it holds a lease in the store, renewed every third of
    ``instance_lease_seconds``, and is recorded as the owner of the executions it accepts and
    runs. It also recovers what instances whose lease ran out left behind, at start and then
    every lease period: their inline runs end failed (``gateway_stopped``), their background
    executions run again here or through the queue (at least once), and :meth:`cancel` ends
    such an orphan at once. See :mod:`agent_gateway_core.background.recovery`.

    Example (runs as is; the scripted model answers ``echo: <message>``)::

        import asyncio

        from agent_gateway_core import Runtime
        from agent_gateway_core.domain.agent import AgentDefinition, ModelConfig
        from agent_gateway_core.in_memory.persistence import InMemoryPersistence
        from agent_gateway_core.testing.scripted_llm import ScriptedLLM
        from agent_gateway_core.workspace.state import WorkspaceState

        async def main() -> None:
            model = ModelConfig(name="openai/gpt-4o-mini")
            workspace = WorkspaceState(
                root=None,
                agents={"helper": AgentDefinition(id="helper", prompt="Be brief.", model=model)},
            )
            llm, store = ScriptedLLM(), InMemoryPersistence()
            async with Runtime(workspace=workspace, llm=llm, persistence=store) as runtime:
                result = await runtime.invoke("helper", "Hello!")
                print(result.status, result.raw_text)  # succeeded echo: Hello!
                session_id, result = await runtime.chat("helper", "Hi")
                session_id, result = await runtime.chat("helper", "Again", session_id=session_id)
                print(len(runtime.get_session(session_id).messages))  # 4

        asyncio.run(main())
    """

    def __init__(
        self,
        *,
        workspace: WorkspaceState,
        llm: LLMClient,
        persistence: PersistenceBackend,
        queue: ExecutionQueue | None = None,
        clock: Clock | None = None,
        memory: MemoryManager | None = None,
        memory_policy: MemoryPolicy | None = None,
        retrievers: Mapping[str, AnyRetriever] | None = None,
        tool_providers: Sequence[ToolProvider] = (),
        hooks: HookRegistry | None = None,
        tool_registry: ToolRegistry | None = None,
        session_ttl_seconds: float = 3600.0,
        max_sessions: int = 10_000,
        final_writes_drain_seconds: float = 10.0,
        instance_id: str | None = None,
        instance_lease_seconds: float = 15.0,
    ) -> None:
        self._llm = llm
        self._persistence = persistence
        self._clock = clock or SystemClock()
        self._final_writes = FinalWrites(persistence.executions, self._clock)
        self._final_writes_drain = final_writes_drain_seconds
        instance_id = instance_id or new_instance_id()
        self._recovery = OrphanRecovery(
            instance_id=instance_id,
            instances=persistence.instances,
            executions=persistence.executions,
            clock=self._clock,
            hand_back=self._hand_back,
        )
        self._lease = InstanceLease(
            instance_id=instance_id,
            instances=persistence.instances,
            clock=self._clock,
            recovery=self._recovery,
            lease_seconds=instance_lease_seconds,
        )
        self._memory = memory
        self._memory_policy = memory_policy or MemoryPolicy()
        self._memory_service = (
            MemoryService(
                memory=memory,
                policy=self._memory_policy,
                llm=llm,
                clock=self._clock,
                workspace=lambda: self._engine.workspace,
            )
            if memory is not None and self._memory_policy.enabled
            else None
        )
        self._retrievers = RetrieverSet(retrievers)
        self._hooks = hooks or HookRegistry()
        if self._memory_service is not None:
            self._hooks.on(AGENT_INVOKE_AFTER, self._memory_service.execution_succeeded)
        self._cancellations = CancellationRegistry()
        self._input_schemas: dict[str, SchemaSource] = {}
        self._output_schemas: dict[str, SchemaSource] = {}
        registry = tool_registry or ToolRegistry()
        self._tools = registry.with_workspace_tools(workspace.tools)
        for provider in tool_providers:
            self._tools.add_provider(provider)
        self._sessions = SessionStore(
            self._clock, ttl_seconds=session_ttl_seconds, max_sessions=max_sessions
        )
        self._chat = ChatTurns(
            self._sessions, ConversationLog(persistence.conversations, self._clock), self._clock
        )
        self._owns_persistence = False
        self._scheduler: SchedulerEngine | None = None
        self._notifications: NotificationDispatcher | None = None
        self._mcp_servers: McpServerDirectory | None = None
        self._workspace_syncs: set[asyncio.Task[None]] = set()
        self._closed = False
        self._revision = 0
        self._engine = self._build_engine(workspace)
        self._personal = PersonalAgentConfigs(
            agents=lambda: self._engine.workspace.agents,
            store=persistence.user_configs,
            clock=self._clock,
        )
        self._background = BackgroundExecutions(
            engine=lambda: self._engine,
            executions=persistence.executions,
            queue=queue,
            clock=self._clock,
            cancellations=self._cancellations,
            final_writes=self._final_writes,
            orphans=self._recovery,
        )

    @classmethod
    async def embedded(
        cls, workspace_path: str | Path, *, llm: LLMClient, **kwargs: Any
    ) -> Runtime:
        """A runtime for scripts: the workspace loaded from disk, an in-memory store."""
        from agent_gateway_core.in_memory.persistence import InMemoryPersistence
        from agent_gateway_core.workspace.loader import load_workspace

        workspace = await asyncio.to_thread(load_workspace, workspace_path)
        persistence = InMemoryPersistence()
        await persistence.initialize()
        runtime = cls(workspace=workspace, llm=llm, persistence=persistence, **kwargs)
        runtime._owns_persistence = True
        return runtime

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Initialize the retrievers (once), discover the tool providers' tools; ``async with``
        does this on entry. A retriever whose ``initialize()`` fails fails the start with
        BackendUnavailableError naming it."""
        await self._retrievers.initialize()
        if self._tools.providers:
            await self._tools.refresh_providers()
        await self._lease.start()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop background work, store the ends of executions still waiting for the store
        (for at most ``final_writes_drain_seconds``; each one left is logged), close the LLM
        client, the tool providers, the retrievers (``close()`` of those initialized; a failure
        is logged) and an owned store; twice is harmless."""
        if self._closed:
            return
        self._closed = True
        if self._scheduler is not None:
            await self._scheduler.aclose()  # fires nothing more while closing
        for sync in self._workspace_syncs:
            sync.cancel()
        await self._lease.stop_recovery()  # takes nothing on while closing
        await self._background.aclose()
        if self._memory_service is not None:
            await self._memory_service.aclose()  # extractions not done yet are dropped
        await self._final_writes.aclose(self._final_writes_drain)
        if self._notifications is not None:
            await self._notifications.aclose()  # pending deliveries stay in the log
        await self._lease.aclose()  # its executions ended: the lease goes
        await self._llm.aclose()
        if self._mcp_servers is not None:
            await self._mcp_servers.aclose()
        for provider in tuple(self._tools.providers.values()):
            await provider.aclose()
        await self._retrievers.close()
        if self._owns_persistence:
            await self._persistence.aclose()

    def reload(self, workspace: WorkspaceState) -> None:
        """Swap in a new workspace snapshot; running executions finish on the old one."""
        self._tools = self._tools.with_workspace_tools(workspace.tools)
        self._engine = self._build_engine(workspace)
        if self._scheduler is not None:
            sync = asyncio.ensure_future(self._sync_workspace_schedules(self._scheduler))
            self._workspace_syncs.add(sync)
            sync.add_done_callback(self._workspace_syncs.discard)

    # ---------------------------------------------------------------- configuration

    @property
    def workspace(self) -> WorkspaceState:
        return self._engine.workspace

    @property
    def engine(self) -> ExecutionEngine:
        return self._engine

    @property
    def revision(self) -> tuple[int, int]:
        """Changes whenever what the runtime serves does: a reload, a schema set in code, a
        tool registered or discovered. A host caches what it derives from the agents on it."""
        return self._revision, self._tools.version

    @property
    def tool_registry(self) -> ToolRegistry:
        return self._tools

    @property
    def hooks(self) -> HookRegistry:
        return self._hooks

    @property
    def persistence(self) -> PersistenceBackend:
        return self._persistence

    @property
    def memory_manager(self) -> MemoryManager | None:
        return self._memory

    @property
    def memory_policy(self) -> MemoryPolicy:
        return self._memory_policy

    @property
    def queue(self) -> ExecutionQueue | None:
        return self._background.queue

    @property
    def instance_id(self) -> str:
        """This runtime's id as a gateway instance: the owner its executions record."""
        return self._lease.instance_id

    @property
    def recovery(self) -> RecoveryReport:
        """What recovering the executions of stopped instances did since this runtime began."""
        return self._recovery.report

    async def recover_orphans(self) -> int:
        """Recover now (rather than at the next periodic sweep) the executions of gateway
        instances whose lease ran out; returns how many. See
        :mod:`agent_gateway_core.background.recovery`."""
        return await self._lease.recover_now()

    @property
    def pending_final_writes(self) -> list[str]:
        """Executions that ended while the store was unavailable and whose end is retried
        until it is back (oldest first)."""
        return self._final_writes.pending

    def on(self, event: str, callback: HookCallback) -> HookCallback:
        """Register an async hook (see :mod:`agent_gateway_core.engine.hooks`)."""
        return self._hooks.on(event, callback)

    def tool(self, fn: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        """Register a function as a tool: ``@runtime.tool`` or ``@runtime.tool(name=...)``."""
        return self._tools.tool(fn, **options) if fn is not None else self._tools.tool(**options)

    def set_output_schema(self, agent_id: str, schema: SchemaSource) -> None:
        """Override the agent's AGENT.md output_schema; kept across reloads."""
        self._set_schema(self._output_schemas, agent_id, schema)

    def set_input_schema(self, agent_id: str, schema: SchemaSource) -> None:
        """Override the agent's AGENT.md input_schema; kept across reloads."""
        self._set_schema(self._input_schemas, agent_id, schema)

    def is_agent_enabled(self, agent_id: str) -> bool:
        agent = self.workspace.agents.get(agent_id)
        return agent is not None and agent.enabled

    def check_agents(self) -> None:
        """Build every enabled agent now (tools, skills, schemas) rather than on its first
        request. Raises WorkspaceError with one problem per agent that cannot be built."""
        problems: list[WorkspaceProblem] = []
        for agent_id, agent in self.workspace.agents.items():
            if not agent.enabled:
                continue
            try:
                self._engine.plan_for(agent_id)
            except ConfigError as exc:
                problems.append(WorkspaceProblem(f"agents/{agent_id}/AGENT.md", str(exc)))
        if problems:
            raise WorkspaceError(problems)

    def agent_schemas(self, agent_id: str) -> tuple[JsonSchema | None, JsonSchema | None]:
        """The input and output JSON Schemas an invoke of the agent applies: set in code, else
        AGENT.md. Raises AgentNotFoundError, AgentDisabledError, or ConfigError for an agent
        that cannot be built."""
        plan = self._engine.plan_for(agent_id)
        return (
            plan.input_schema.json_schema if plan.input_schema is not None else None,
            plan.output_schema.json_schema if plan.output_schema is not None else None,
        )

    # ---------------------------------------------------------------- executions

    async def invoke(
        self,
        agent_id: str,
        message: str,
        input: dict[str, Any] | None = None,
        options: ExecutionOptions | None = None,
        *,
        user_id: str | None = None,
    ) -> ExecutionResult:
        """Run an agent once. Raises AgentNotFoundError (a ValueError), AgentDisabledError,
        InputValidationError, ConfigError, or SetupRequiredError (a personal agent
        ``user_id`` has not configured) before anything is stored; every other outcome comes
        back as the result's status. When the store is unavailable as the run ends,
        FinalWritePendingError (a BackendUnavailableError) carries the result while its end
        is stored in the background as soon as the store is back."""
        return await self._engine.run(
            ExecutionRequest(
                agent_id=agent_id,
                message=message,
                input=dict(input or {}),
                options=options or ExecutionOptions(),
                user_id=user_id,
            )
        )

    async def execute(self, request: ExecutionRequest) -> ExecutionResult:
        """Run a fully specified request (pre-assigned id, schedule, parent execution, ...)."""
        return await self._engine.run(request)

    def stream(self, request: ExecutionRequest) -> AsyncIterator[StreamItem]:
        """Stream a fully specified request; see :meth:`ExecutionEngine.stream`."""
        return self._engine.stream(request)

    def cancel_execution(self, execution_id: str) -> bool:
        """Signal an execution running in this process; ``False`` if there is none."""
        return self._cancellations.cancel(execution_id)

    # ---------------------------------------------------------------- background executions

    async def submit(self, request: ExecutionRequest) -> str:
        """Accept ``request`` to run in the background; returns its execution id once it is
        stored as ``queued``. It goes to the queue, or runs in a task of this process when
        there is none. Raises AgentNotFoundError, AgentDisabledError, InputValidationError,
        ConfigError or SetupRequiredError before anything is stored, and BackendUnavailableError when the queue
        cannot take the job (the execution is then recorded as failed)."""
        return await self._background.submit(request)

    async def cancel(self, execution_id: str) -> bool:
        """Cancel an execution wherever it runs: in this process, else through the queue to
        the process running it; one still queued, or running under a gateway instance that
        stopped, is recorded as cancelled at once. ``False`` when it is unknown, already
        finished, or out of reach (another live process, no queue)."""
        return await self._background.cancel(execution_id)

    async def run_job(self, delivery: Delivery) -> None:
        """Run one job delivered by the queue, then acknowledge it (or retry it, or record it
        as failed once the queue gives up). What a worker calls; see :meth:`start_worker`."""
        await self._background.run_job(delivery)

    def start_worker(self, *, concurrency: int = 8, receive_timeout_seconds: float = 1.0) -> None:
        """Consume the queue in this process, up to ``concurrency`` jobs at a time, until
        :meth:`aclose`. Raises ConfigError when the runtime has no queue."""
        self._background.start_worker(
            concurrency=concurrency, receive_timeout_seconds=receive_timeout_seconds
        )

    async def drain_worker(self, timeout_seconds: float) -> bool:
        """Take no new job and let those running finish for up to ``timeout_seconds`` (a
        worker asked to stop, as on SIGTERM); then hand back those still running, not
        cancelled: ``queued`` again, their jobs released to the queue for another worker,
        whose re-run replays the tool calls they completed. ``True`` if every running job
        finished in time. See :meth:`BackgroundExecutions.drain_worker
        <agent_gateway_core.background.executions.BackgroundExecutions.drain_worker>`."""
        return await self._background.drain_worker(timeout_seconds)

    async def stop_worker(self) -> None:
        """Stop consuming the queue. Executions it was running end as cancelled. Harmless
        when no worker runs."""
        await self._background.stop_worker()

    # ---------------------------------------------------------------- schedules

    @property
    def scheduler(self) -> SchedulerEngine | None:
        """The cron scheduler once :meth:`start_scheduler` ran, else ``None``."""
        return self._scheduler

    async def start_scheduler(
        self,
        config: SchedulerConfig | None = None,
        *,
        claims: ScheduleLock | None = None,
        exclusive: bool = True,
    ) -> SchedulerEngine:
        """Fire the workspace's and the store's cron schedules from this process, until
        :meth:`aclose`; returns the scheduler (also :attr:`scheduler`). Each occurrence is
        claimed through ``claims`` (by default the store's ``schedule_locks``) so that of all
        the processes sharing the store exactly one fires it; ``exclusive=False`` claims
        nothing and fires every occurrence here. Firings run as background executions (see
        :meth:`submit`). Raises BackendUnavailableError when the store cannot be read."""
        if self._scheduler is not None:
            return self._scheduler
        scheduler = SchedulerEngine(
            store=self._persistence.schedules,
            executions=self._persistence.executions,
            claims=(claims or self._persistence.schedule_locks) if exclusive else None,
            submit=self.submit,
            workspace=lambda: self._engine.workspace,
            clock=self._clock,
            config=config,
        )
        await scheduler.start()
        self._scheduler = scheduler
        return scheduler

    async def _sync_workspace_schedules(self, scheduler: SchedulerEngine) -> None:
        try:
            await scheduler.sync_workspace()
        except Exception:  # a reload must not fail on it; the next reload or start retries
            logger.exception("the reloaded workspace's schedules could not be stored")

    # ---------------------------------------------------------------- MCP servers

    @property
    def mcp_servers(self) -> McpServerDirectory | None:
        """The MCP servers once :meth:`start_mcp_servers` ran, else ``None``."""
        return self._mcp_servers

    async def start_mcp_servers(
        self,
        connector: McpConnector,
        static: Sequence[StaticMcpServer] = (),
        *,
        sync_interval_seconds: float = 5.0,
    ) -> McpServerDirectory:
        """Connect the MCP servers of ``static`` (code, gateway.yaml) and of the store's
        ``mcp_servers``, and follow the store until :meth:`aclose`; returns the directory
        (also :attr:`mcp_servers`). An unreachable server never fails this: its tools appear
        when it comes up. See :class:`~agent_gateway_core.mcp_servers.McpServerDirectory`."""
        if self._mcp_servers is not None:
            return self._mcp_servers
        directory = McpServerDirectory(
            connector=connector,
            store=self._persistence.mcp_servers,
            registry=self._tools,
            clock=self._clock,
            static=static,
            sync_interval_seconds=sync_interval_seconds,
        )
        self._mcp_servers = directory
        await directory.start()
        return directory

    # ---------------------------------------------------------------- notifications

    @property
    def notifications(self) -> NotificationDispatcher | None:
        """The notification dispatcher once :meth:`start_notifications` ran, else ``None``."""
        return self._notifications

    def start_notifications(
        self,
        backends: Mapping[str, NotificationBackend],
        config: DeliveryConfig | None = None,
    ) -> NotificationDispatcher:
        """Notify the AGENT.md ``notifications:`` targets of the executions this process
        runs, through ``backends`` (by channel name: ``slack``, ``webhook``, ...), and attempt
        the due deliveries of the store — this process's and any other's — until
        :meth:`aclose`. See :class:`~agent_gateway_core.notifications.NotificationDispatcher`."""
        if self._notifications is not None:
            return self._notifications
        dispatcher = NotificationDispatcher(
            store=self._persistence.notifications,
            backends=backends,
            agents=lambda: self._engine.workspace.agents,
            clock=self._clock,
            owner=lambda: self._lease.instance_id,
            config=config,
        )

        async def execution_ended(
            *, agent_id: str, execution_id: str, message: str, result: ExecutionResult,
            **_: Any,
        ) -> None:  # fmt: skip
            dispatcher.execution_ended(
                agent_id=agent_id, execution_id=execution_id, message=message, result=result
            )

        self._hooks.on(AGENT_INVOKE_AFTER, execution_ended)
        self._hooks.on(AGENT_INVOKE_ERROR, execution_ended)
        dispatcher.start()
        self._notifications = dispatcher
        return dispatcher

    # ---------------------------------------------------------------- chat

    async def chat(
        self,
        agent_id: str,
        message: str,
        session_id: str | None = None,
        input: dict[str, Any] | None = None,
        options: ExecutionOptions | None = None,
        user_id: str | None = None,
        *,
        execution_id: str | None = None,
        idempotency_key: str | None = None,
        tracking: str | None = None,
    ) -> tuple[str, ExecutionResult]:
        """One chat turn; returns ``(session_id, result)``. A ``session_id`` no longer in
        memory is restored from the conversation store, else SessionNotFoundError. ``input``
        is merged into the session's metadata. ``execution_id`` pre-assigns the turn's id
        (an HTTP caller announces it before the turn runs); by default one is generated.
        ``idempotency_key`` and ``tracking`` are recorded on the turn's execution (the caller
        enforces the key: see the HTTP API)."""
        return await self._chat.run(
            self._engine,
            agent_id,
            message,
            session_id=session_id,
            input=input,
            options=options,
            user_id=user_id,
            execution_id=execution_id,
            labels=CallerLabels(idempotency_key=idempotency_key, tracking=tracking),
        )

    def stream_chat(
        self,
        agent_id: str,
        message: str,
        session_id: str | None = None,
        input: dict[str, Any] | None = None,
        options: ExecutionOptions | None = None,
        user_id: str | None = None,
        *,
        execution_id: str | None = None,
        idempotency_key: str | None = None,
        tracking: str | None = None,
    ) -> AsyncIterator[StreamItem]:
        """A chat turn as a stream; the first item (StreamStarted) carries the session id.
        ``execution_id``, ``idempotency_key`` and ``tracking`` as for :meth:`chat`."""
        return self._chat.stream(
            self._engine,
            agent_id,
            message,
            session_id=session_id,
            input=input,
            options=options,
            user_id=user_id,
            execution_id=execution_id,
            labels=CallerLabels(idempotency_key=idempotency_key, tracking=tracking),
        )

    def get_session(self, session_id: str) -> Session | None:
        """A copy of the live session, or ``None`` if unknown or expired."""
        session = self._sessions.get(session_id)
        return session.model_copy(deep=True) if session is not None else None

    def delete_session(self, session_id: str) -> bool:
        """Forget a live session; its conversation stays in the store."""
        return self._sessions.delete(session_id)

    def list_sessions(
        self, agent_id: str | None = None, limit: int = 50, *, user_id: str | None = None
    ) -> list[Session]:
        """Live sessions, most recently updated first, at most ``limit``."""
        return [s.model_copy(deep=True) for s in self._sessions.list(agent_id, user_id, limit)]

    # ---------------------------------------------------------------- personal agents

    def setup_schema(self, agent_id: str) -> JsonSchema | None:
        """What each user configures for a personal agent: its AGENT.md ``setup_schema``
        (``None`` if it declares none). Raises AgentNotFoundError, or NotPersonalAgentError
        for an agent without ``scope: personal``."""
        return self._personal.setup_schema(agent_id)

    async def save_agent_config(
        self,
        agent_id: str,
        values: Mapping[str, Any],
        *,
        user_id: str | None = None,
        instructions: str | None = None,
    ) -> AgentConfigView:
        """Create or replace ``user_id``'s configuration of a personal agent (``None``: the
        user ``"anonymous"``); returns it with its secrets named only. ``values`` must match
        the setup schema (InputValidationError naming each field); the ``sensitive`` ones
        are stored encrypted. See :mod:`agent_gateway_core.personal_agents`."""
        return await self._personal.save(
            agent_id, values, user_id=user_id, instructions=instructions
        )

    async def agent_config(
        self, agent_id: str, *, user_id: str | None = None
    ) -> AgentConfigView | None:
        """``user_id``'s configuration of a personal agent, secrets named only; or ``None``."""
        return await self._personal.get(agent_id, user_id=user_id)

    async def delete_agent_config(self, agent_id: str, *, user_id: str | None = None) -> bool:
        """Delete ``user_id``'s configuration of a personal agent; ``True`` if there was one.
        The agent then refuses that user's runs (SetupRequiredError) until it is saved again."""
        return await self._personal.delete(agent_id, user_id=user_id)

    # ---------------------------------------------------------------- memory

    async def compact_memory(
        self,
        agent_id: str,
        *,
        user_id: str | None = None,
        all_scopes: bool = False,
        force: bool = False,
    ) -> MemoryCompactionResult:
        """Compact the agent's agent-wide memories and ``user_id``'s (every scope holding
        memories with ``all_scopes``) where a scope holds more than
        ``memory_policy.compaction.max_memories_per_scope`` (whatever its size with
        ``force``); nothing when ``memory_policy.compaction.enabled`` is false. Returns the
        counts per scope. Raises AgentNotFoundError, MemoryNotConfiguredError without a
        memory manager or with memory off, and ConfigError when a scope needs compacting and
        the agent has no model. See :mod:`agent_gateway_core.memory.compaction`."""
        if self._memory_service is None:
            raise MemoryNotConfiguredError
        return await self._memory_service.compact(
            agent_id, user_id=user_id, all_scopes=all_scopes, force=force
        )

    # ---------------------------------------------------------------- internals

    async def _hand_back(self, record: ExecutionRecord) -> None:
        await self._background.resume(record)

    def _set_schema(
        self, target: dict[str, SchemaSource], agent_id: str, schema: SchemaSource
    ) -> None:
        if agent_id not in self.workspace.agents:
            logger.warning("schema set for agent %r, which the workspace does not have", agent_id)
        target[agent_id] = schema
        self._engine = self._build_engine(self.workspace)

    def _build_engine(self, workspace: WorkspaceState) -> ExecutionEngine:
        self._revision += 1
        return ExecutionEngine(
            workspace=workspace,
            llm=self._llm,
            persistence=self._persistence,
            tools=self._tools,
            clock=self._clock,
            hooks=self._hooks,
            cancellations=self._cancellations,
            memory=self._memory,
            retrievers=self._retrievers.ports,
            input_schemas=self._input_schemas,
            output_schemas=self._output_schemas,
            final_writes=self._final_writes,
            owner=lambda: self._lease.owner,
            memory_policy=self._memory_policy,
        )
