"""ExecutionEngine: runs one execution of an agent from request to persisted result."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from agent_gateway_core.domain.agent import AgentScope, Guardrails
from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.execution import (
    ExecutionKind,
    ExecutionResult,
    ExecutionStatus,
    StopReason,
)
from agent_gateway_core.domain.messages import Message
from agent_gateway_core.domain.tool import ToolContext, ToolDefinition
from agent_gateway_core.engine.agent_loop import AgentLoop, LoopOutcome, ended, interrupted
from agent_gateway_core.engine.agent_plan import AgentPlan, build_plan
from agent_gateway_core.engine.cancellation import CancellationRegistry, CancellationToken
from agent_gateway_core.engine.event_log import EventLog
from agent_gateway_core.engine.execution_recorder import ExecutionRecorder
from agent_gateway_core.engine.final_writes import FinalWrites
from agent_gateway_core.engine.hooks import (
    AGENT_INVOKE_AFTER,
    AGENT_INVOKE_BEFORE,
    AGENT_INVOKE_ERROR,
    HookRegistry,
)
from agent_gateway_core.engine.model_caller import Emit, ModelCall, ModelCaller
from agent_gateway_core.engine.model_settings import ModelSettings, choose_guardrails
from agent_gateway_core.engine.personal import (
    NO_PERSONAL_SETTINGS,
    PersonalSettings,
    personal_settings,
)
from agent_gateway_core.engine.prompt import PromptAssembler
from agent_gateway_core.engine.request import ExecutionRequest, StreamItem, StreamStarted
from agent_gateway_core.engine.schemas import CompiledSchema, SchemaSource
from agent_gateway_core.engine.structured_output import SchemaCache
from agent_gateway_core.engine.tool_journal import ToolJournal
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.engine.tool_runner import ToolRunner
from agent_gateway_core.errors import (
    AgentDisabledError,
    AgentNotFoundError,
    ExecutionCancelledError,
    ExecutionHandedBackError,
    ExecutionTimeoutError,
    FinalWritePendingError,
    InputValidationError,
    LLMError,
)
from agent_gateway_core.memory.policy import MemoryPolicy
from agent_gateway_core.memory.tools import memory_tools
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.llm_client import LLMClient
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_core.ports.persistence.backend import PersistenceBackend
from agent_gateway_core.ports.retriever import Retriever
from agent_gateway_core.workspace.state import WorkspaceState


@dataclass(frozen=True, slots=True, kw_only=True)
class _Prepared:
    """A request that passed every check that must come before anything is persisted."""

    request: ExecutionRequest
    plan: AgentPlan
    settings: ModelSettings
    guardrails: Guardrails
    output_schema: CompiledSchema | None
    personal: PersonalSettings = NO_PERSONAL_SETTINGS


class ExecutionEngine:
    """Runs executions against one workspace snapshot.

    Unknown or disabled agents, invalid input, missing model configuration and a personal
    agent its caller has not set up (SetupRequiredError) raise before anything is stored.
    After that every outcome — success, guardrail, model failure, timeout, cancellation — is
    persisted and *returned* as an :class:`ExecutionResult`. Work that does not depend on the
    request (tools, static prompt, model defaults, schema validators) is done once per agent
    and cached for the life of the engine, i.e. of the snapshot.

    The store going away during a run does not end it: events it cannot take are kept for a
    later write, and an end it cannot take is retried by ``final_writes`` until it can, while
    the caller gets FinalWritePendingError (a BackendUnavailableError naming the execution,
    with its result).

    A background run whose token is handed back (see
    :meth:`~agent_gateway_core.engine.cancellation.CancellationToken.hand_back`) does not
    end: it stops, its execution goes back to ``queued`` with the events so far, and
    :meth:`run` raises ExecutionHandedBackError (no ``agent.invoke.after``/``error`` hook).

    ``owner()`` is the gateway instance recorded as the owner of what it stores and starts
    (see :class:`~agent_gateway_core.background.lease.InstanceLease`).

    With a ``memory`` manager (and a ``memory_policy`` that leaves memory on), agents with
    ``memory.enabled`` get their memories in the prompt and the memory tools
    (:mod:`agent_gateway_core.memory.tools`) besides their own.
    """

    def __init__(
        self,
        *,
        workspace: WorkspaceState,
        llm: LLMClient,
        persistence: PersistenceBackend,
        tools: ToolRegistry,
        clock: Clock,
        hooks: HookRegistry | None = None,
        cancellations: CancellationRegistry | None = None,
        memory: MemoryManager | None = None,
        retrievers: Mapping[str, Retriever] | None = None,
        input_schemas: Mapping[str, SchemaSource] | None = None,
        output_schemas: Mapping[str, SchemaSource] | None = None,
        final_writes: FinalWrites | None = None,
        owner: Callable[[], str | None] = lambda: None,
        memory_policy: MemoryPolicy | None = None,
    ) -> None:
        self._workspace = workspace
        self._tools = tools
        self._clock = clock
        self._hooks = hooks or HookRegistry()
        self._cancellations = cancellations or CancellationRegistry()
        self._input_schemas = dict(input_schemas or {})
        self._output_schemas = dict(output_schemas or {})
        self._caller = ModelCaller(llm, self._hooks)
        self._runner = ToolRunner(tools, clock, self._hooks)
        memory_policy = memory_policy or MemoryPolicy()
        self._prompts = PromptAssembler(
            memory, retrievers or {}, workspace.context_retrieval, memory_policy
        )
        # Offered to every agent with memory.enabled, without it listing them in tools:.
        self._memory_tools: tuple[ToolDefinition, ...] = (
            memory_tools(memory) if memory is not None and memory_policy.enabled else ()
        )
        self._schema_cache = SchemaCache()
        self._plans: dict[str, tuple[int, AgentPlan]] = {}
        self._recorder = ExecutionRecorder(
            persistence.executions,
            clock,
            final_writes or FinalWrites(persistence.executions, clock),
            owner=owner,
        )
        self._persistence = persistence

    @property
    def workspace(self) -> WorkspaceState:
        return self._workspace

    @property
    def tool_registry(self) -> ToolRegistry:
        return self._tools

    def plan_for(self, agent_id: str) -> AgentPlan:
        """The cached plan of an enabled agent; raises AgentNotFoundError / AgentDisabledError."""
        agent = self._workspace.agents.get(agent_id)
        if agent is None:
            raise AgentNotFoundError(agent_id)
        if not agent.enabled:
            raise AgentDisabledError(agent_id)
        cached = self._plans.get(agent_id)
        if cached is not None and cached[0] == self._tools.version:
            return cached[1]
        plan = build_plan(
            agent,
            self._workspace,
            self._tools,
            self._input_schemas,
            self._output_schemas,
            builtin_tools=self._memory_tools if agent.memory.enabled else (),
        )
        self._plans[agent_id] = (self._tools.version, plan)
        return plan

    def check(self, request: ExecutionRequest) -> None:
        """Raise what :meth:`run` would raise before storing anything (unknown or disabled
        agent, invalid input, no model, a bad per-call output schema), and nothing else.
        Whether the caller has set up a personal agent takes the store: :meth:`accept` and
        :meth:`run` check that too.

        A host that accepts a request now and runs it later (a queue) checks it first, so
        it never accepts what could not run."""
        self._prepare(request)

    async def accept(self, request: ExecutionRequest) -> ExecutionRequest:
        """Check ``request`` and store it as ``queued``, to be run later (by a queue worker).

        Returns the request marked as stored, ready to hand to :meth:`run` in any process.
        """
        await self._ready(request)
        await self._recorder.accept(request)
        return dataclasses.replace(request, record_created=True)

    async def run(self, request: ExecutionRequest) -> ExecutionResult:
        """Run ``request`` to completion and return its result."""
        prepared = await self._ready(request)
        return await self._execute(prepared, CancellationToken(request.execution_id), None)

    async def stream(self, request: ExecutionRequest) -> AsyncIterator[StreamItem]:
        """Run ``request``, yielding StreamStarted, text deltas and tool events as they happen,
        then the ExecutionResult. Abandoning the stream cancels the execution."""
        prepared = await self._ready(request)
        token = CancellationToken(request.execution_id)
        queue: asyncio.Queue[StreamItem | None] = asyncio.Queue()
        task = asyncio.create_task(self._execute(prepared, token, queue.put_nowait))
        task.add_done_callback(lambda _: queue.put_nowait(None))
        try:
            while (item := await queue.get()) is not None:
                yield item
            yield task.result()
        finally:
            if not task.done():
                token.cancel()
                await asyncio.wait({task})
            if not task.cancelled():
                task.exception()  # retrieved, so an abandoned stream's failure is not logged

    # ---------------------------------------------------------------- before persisting

    async def _ready(self, request: ExecutionRequest) -> _Prepared:
        """:meth:`_prepare`, then the caller's settings of a personal agent (from the store,
        in this process: they never travel with a queued job)."""
        prepared = self._prepare(request)
        agent = prepared.plan.agent
        if agent.scope is not AgentScope.PERSONAL:
            return prepared
        personal = await personal_settings(self._persistence.user_configs, agent, request.user_id)
        return dataclasses.replace(prepared, personal=personal)

    def _prepare(self, request: ExecutionRequest) -> _Prepared:
        plan = self.plan_for(request.agent_id)
        if request.kind is not ExecutionKind.CHAT and plan.input_schema is not None:
            _, errors = plan.input_schema.validate(request.input)
            if errors:
                lines = "\n".join(f"  - {e}" for e in errors)
                raise InputValidationError(
                    f"input does not match the input schema of agent {request.agent_id!r}:\n"
                    f"{lines}",
                    errors,
                )
        options = request.options
        output_schema: CompiledSchema | None
        if options.output_schema is not None:
            output_schema = self._schema_cache.compile(options.output_schema)
        else:
            output_schema = None if request.kind is ExecutionKind.CHAT else plan.output_schema
        return _Prepared(
            request=request,
            plan=plan,
            settings=plan.model.for_call(options),
            guardrails=choose_guardrails(options, plan.agent, self._workspace),
            output_schema=output_schema,
        )

    # ---------------------------------------------------------------- the execution

    async def _execute(
        self, prepared: _Prepared, token: CancellationToken, emit: Emit | None
    ) -> ExecutionResult:
        request = prepared.request
        started = self._clock.monotonic()
        events = await self._recorder.start(request)
        events.add(EventType.STARTED, agent_id=request.agent_id, model=prepared.settings.models[0])
        journal = ToolJournal()
        loop = self._loop(prepared, token, emit, events, journal)
        hook_args = _invoke_hook_args(request)
        self._cancellations.add(token)
        failure: BaseException | None = None
        handed_back: ExecutionHandedBackError | None = None
        try:
            await self._hooks.emit(AGENT_INVOKE_BEFORE, **hook_args)
            if emit is not None:
                emit(StreamStarted(request.execution_id, request.agent_id, request.session_id))
            outcome = await self._drive(prepared, loop, journal)
        except ExecutionHandedBackError as exc:
            handed_back = exc
            # Its end only if a cancel came meanwhile: a cancel wins over a hand-back.
            cancelled = ExecutionCancelledError("execution was cancelled", request.execution_id)
            outcome = ended(
                ExecutionStatus.CANCELLED, StopReason.CANCELLED, cancelled, loop.raw_text
            )
        except (Exception, asyncio.CancelledError) as exc:
            # Not an execution outcome (a bug, a store failure, the caller's task cancelled):
            # record the execution as ended, then let the exception go on.
            failure = exc
            outcome = interrupted(exc, loop.raw_text)
        finally:
            self._cancellations.remove(token)
        if handed_back is not None and token.handing_back:
            await self._recorder.hand_back(request.execution_id, events)
            raise handed_back
        result = ExecutionResult(
            execution_id=request.execution_id,
            status=outcome.status,
            output=outcome.output,
            raw_text=outcome.raw_text,
            stop_reason=outcome.stop_reason,
            usage=loop.usage,
            error=outcome.error,
            error_code=outcome.error_code,
            validation_errors=outcome.validation_errors,
            duration_ms=int((self._clock.monotonic() - started) * 1000),
        )
        pending: FinalWritePendingError | None = None
        try:
            await self._recorder.end(
                request.execution_id, result, outcome.validation_errors, events
            )
        except FinalWritePendingError as exc:
            pending = exc  # stored in the background once the store is back
        if failure is not None:
            raise failure
        if result.succeeded:
            await self._hooks.emit(AGENT_INVOKE_AFTER, result=result, **hook_args)
        else:
            await self._hooks.emit(
                AGENT_INVOKE_ERROR,
                result=result,
                error=result.error,
                error_code=result.error_code,
                **hook_args,
            )
        if pending is not None:
            # The run is over (and its hooks told), but the store does not say so yet.
            raise pending
        return result

    def _loop(
        self,
        prepared: _Prepared,
        token: CancellationToken,
        emit: Emit | None,
        events: EventLog,
        journal: ToolJournal,
    ) -> AgentLoop:
        request, plan, schema = prepared.request, prepared.plan, prepared.output_schema
        return AgentLoop(
            model_call=ModelCall(
                agent_id=request.agent_id,
                execution_id=request.execution_id,
                settings=prepared.settings,
                tools=plan.tool_specs,
                response_schema=schema.json_schema if schema is not None else None,
                response_schema_name=schema.name if schema is not None else "output",
                token=token,
                emit=emit,
            ),
            caller=self._caller,
            runner=self._runner,
            tools=plan.tools,
            tool_context=ToolContext(
                execution_id=request.execution_id,
                agent_id=request.agent_id,
                user_id=request.user_id,
                session_id=request.session_id,
                metadata=request.input,
                user_config=prepared.personal.values,
                user_secrets=prepared.personal.secrets,
            ),
            guardrails=prepared.guardrails,
            output_schema=schema,
            events=events,
            journal=journal,
        )

    async def _drive(
        self, prepared: _Prepared, loop: AgentLoop, journal: ToolJournal
    ) -> LoopOutcome:
        """Load the tool-call journal of a background run that may have run before, build the
        prompt and run the loop within the execution's deadline."""
        request, plan = prepared.request, prepared.plan
        timeout = prepared.guardrails.timeout_seconds
        instructions = [i for i in (request.instructions, request.options.instructions) if i]
        try:
            async with asyncio.timeout(timeout) as deadline:
                if request.record_created and not request.never_started:
                    # Only a background run can be a re-run (at least once: handed back by a
                    # worker that stopped, or by recovery): one read for its earlier runs'
                    # tool results. Inline runs and first runs skip it.
                    await journal.load(self._persistence.executions, request.execution_id)
                system = await self._prompts.build(
                    static=plan.static_prompt,
                    agent=plan.agent,
                    message=request.message,
                    user_id=request.user_id,
                    input=request.input,
                    instructions=instructions,
                    output_schema=prepared.output_schema,
                    user_instructions=prepared.personal.instructions,
                )
                messages = [Message.system(system), *request.history, Message.user(request.message)]
                return await loop.run(messages)
        except ExecutionCancelledError as exc:
            return ended(ExecutionStatus.CANCELLED, StopReason.CANCELLED, exc, loop.raw_text)
        except TimeoutError:
            if not deadline.expired():
                raise
            error = ExecutionTimeoutError(f"execution timed out after {timeout:g} s")
            return ended(ExecutionStatus.TIMED_OUT, StopReason.TIMEOUT, error, loop.raw_text)
        except LLMError as exc:
            return ended(ExecutionStatus.FAILED, StopReason.ERROR, exc, loop.raw_text)


def _invoke_hook_args(request: ExecutionRequest) -> dict[str, Any]:
    return {
        "agent_id": request.agent_id,
        "message": request.message,
        "execution_id": request.execution_id,
        "kind": request.kind.value,
        "user_id": request.user_id,
        "session_id": request.session_id,
        "input": request.input,
    }
