"""The one error tree of Agent Gateway.

Every error the framework raises on purpose derives from :class:`AgentGatewayError`. Adapters
translate driver errors into these at their boundary (``raise ... from exc``); only the HTTP app
maps them to status codes. Where the public API promises a built-in exception (``ValueError``
for an unknown agent, ``RuntimeError`` for configuring after start), the domain error also
subclasses it, so both ``except`` forms work::

    AgentGatewayError
    ├── ConfigError
    │   ├── WorkspaceError                 one or more problems in workspace files (all listed)
    │   ├── AlreadyStartedError            (also RuntimeError) configuring after start
    │   ├── MissingExtraError              (also ImportError) an optional adapter isn't installed
    │   ├── SecretKeyMissingError          storing a secret with no secret key configured
    │   └── MemoryNotConfiguredError       a memory operation asked of a runtime without memory
    ├── NotFoundError                      (also LookupError)
    │   ├── AgentNotFoundError             (also ValueError)
    │   ├── ExecutionNotFoundError
    │   ├── SessionNotFoundError
    │   ├── ScheduleNotFoundError
    │   ├── SchedulerNotActiveError        schedules asked of a gateway whose scheduler is off
    │   ├── NotificationNotFoundError      no delivery with this id in the notification log
    │   ├── McpServerNotFoundError         no MCP server with this id
    │   ├── SkillNotFoundError
    │   ├── ToolNotFoundError
    │   └── AgentConfigNotFoundError       the caller has no configuration of this personal agent
    ├── AgentDisabledError
    ├── InputValidationError               (also ValueError) input fails the agent's input_schema
    │   ├── NotPersonalAgentError          per-user configuration asked of a global agent
    │   └── ModelNotAllowedError           options.model names a model the workspace does not allow
    ├── OutputValidationError              model output fails the output_schema
    ├── ScheduleValidationError            (also ValueError)
    ├── McpServerValidationError           (also ValueError) an MCP server config that cannot work
    ├── ConflictError
    │   ├── ScheduleConflictError
    │   ├── DuplicateError                 a store already holds this id
    │   ├── InvalidTransitionError         an execution state change the state machine forbids
    │   ├── IdempotencyConflictError       an idempotency key reused with a different request
    │   ├── McpServerReadOnlyError         an MCP server from code or gateway.yaml, changed by API
    │   └── SetupRequiredError             a personal agent its caller has not configured
    ├── ExecutionError                     an execution did not complete normally
    │   ├── ExecutionCancelledError
    │   ├── ExecutionTimeoutError
    │   ├── GuardrailError                 max iterations / max tool calls exceeded
    │   ├── GatewayStoppedError            the gateway instance running it stopped mid-run
    │   └── ExecutionHandedBackError       a background run stopped to run again on another worker
    ├── ToolError
    │   ├── ToolExecutionError             a handler raised
    │   ├── ToolTimeoutError
    │   └── ToolArgumentsError             arguments fail the tool's parameter schema
    ├── LLMError                           the model provider failed
    │   ├── LLMRateLimitError              429 (retry_after set when the provider said)
    │   ├── LLMTimeoutError
    │   ├── LLMConnectionError
    │   ├── LLMAuthenticationError         401/403: wrong or missing key
    │   ├── LLMBadRequestError             400/404/422: the request itself is wrong
    │   └── LLMServiceError                5xx and other provider faults
    ├── BackendUnavailableError            a store, queue or broker is down or timed out
    │   └── FinalWritePendingError         an execution ended; its end is stored when it is back
    ├── EngineUnavailableError             (also ValueError) the gateway has not started
    ├── AuthenticationError                credentials invalid, expired or of an unknown kind
    │   └── MissingCredentialsError        no credential at all
    ├── AuthorizationError
    │   └── MissingScopeError              valid credentials lacking a scope (``scope`` names it)
    ├── RateLimitExceededError             a caller over its rate limit
    ├── NotificationDeliveryError
    └── SecretDecryptionError              ciphertext tampered with or wrong key
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent_gateway_core.domain.execution import ExecutionResult, ExecutionStatus


class AgentGatewayError(Exception):
    """Root of every error Agent Gateway raises on purpose."""

    code: str = "agent_gateway_error"


# ------------------------------------------------------------------ configuration


class ConfigError(AgentGatewayError):
    """Invalid or missing configuration."""

    code = "config_error"


@dataclass(frozen=True, slots=True)
class WorkspaceProblem:
    """One problem in one workspace file: which file, which field, what is wrong."""

    path: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}: {self.field}" if self.field else self.path
        return f"{where}: {self.message}"


class WorkspaceError(ConfigError):
    """The workspace has problems; ``problems`` lists every one of them, not only the first."""

    code = "workspace_error"

    def __init__(self, problems: Sequence[WorkspaceProblem]) -> None:
        self.problems: tuple[WorkspaceProblem, ...] = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"workspace has {len(self.problems)} problem(s):\n{lines}")


class AlreadyStartedError(ConfigError, RuntimeError):
    """A configuration method was called after the gateway or runtime started."""

    code = "already_started"


class MissingExtraError(ConfigError, ImportError):
    """An optional adapter is not installed; the message holds the exact install line."""

    code = "missing_extra"

    def __init__(self, feature: str, extra: str, package: str = "agents-gateway") -> None:
        self.feature = feature
        self.extra = extra
        super().__init__(f"{feature} requires an extra: pip install '{package}[{extra}]'")


# ------------------------------------------------------------------ lookups


class NotFoundError(AgentGatewayError, LookupError):
    """A named item does not exist."""

    code = "not_found"


class AgentNotFoundError(NotFoundError, ValueError):
    code = "agent_not_found"

    def __init__(self, agent_id: str) -> None:
        self.agent_id = agent_id
        super().__init__(f"agent not found: {agent_id!r}")


class ExecutionNotFoundError(NotFoundError):
    code = "execution_not_found"

    def __init__(self, execution_id: str) -> None:
        self.execution_id = execution_id
        super().__init__(f"execution not found: {execution_id!r}")


class SessionNotFoundError(NotFoundError):
    code = "session_not_found"

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        super().__init__(f"session not found or expired: {session_id!r}")


class ScheduleNotFoundError(NotFoundError):
    code = "schedule_not_found"

    def __init__(self, schedule_id: str) -> None:
        self.schedule_id = schedule_id
        super().__init__(f"schedule not found: {schedule_id!r}")


class NotificationNotFoundError(NotFoundError):
    code = "notification_not_found"

    def __init__(self, delivery_id: str) -> None:
        self.delivery_id = delivery_id
        super().__init__(f"notification delivery not found: {delivery_id!r}")


class SchedulerNotActiveError(NotFoundError):
    code = "scheduler_not_active"

    def __init__(self) -> None:
        super().__init__("the scheduler is not active (scheduler.enabled is false in gateway.yaml)")


class McpServerNotFoundError(NotFoundError):
    code = "mcp_server_not_found"

    def __init__(self, server_id: str) -> None:
        self.server_id = server_id
        super().__init__(f"MCP server not found: {server_id!r}")


class SkillNotFoundError(NotFoundError):
    code = "skill_not_found"

    def __init__(self, skill_id: str) -> None:
        self.skill_id = skill_id
        super().__init__(f"skill not found: {skill_id!r}")


class ToolNotFoundError(NotFoundError):
    code = "tool_not_found"

    def __init__(self, tool_name: str) -> None:
        self.tool_name = tool_name
        super().__init__(f"tool not found: {tool_name!r}")


class AgentConfigNotFoundError(NotFoundError):
    """The caller has saved no configuration of this personal agent."""

    code = "config_not_found"

    def __init__(self, agent_id: str) -> None:
        self.agent_id = agent_id
        super().__init__(f"you have no configuration of agent {agent_id!r}")


class AgentDisabledError(AgentGatewayError):
    code = "agent_disabled"

    def __init__(self, agent_id: str) -> None:
        self.agent_id = agent_id
        super().__init__(f"agent is disabled: {agent_id!r}")


# ------------------------------------------------------------------ validation


class InputValidationError(AgentGatewayError, ValueError):
    """Input does not match the agent's input schema; ``errors`` holds one line per problem."""

    code = "input_validation_error"

    def __init__(self, message: str, errors: Sequence[str] = ()) -> None:
        self.errors: list[str] = list(errors)
        super().__init__(message)


class NotPersonalAgentError(InputValidationError):
    """A setup schema or per-user configuration was asked of an agent that is not personal."""

    code = "not_personal_agent"

    def __init__(self, agent_id: str) -> None:
        self.agent_id = agent_id
        super().__init__(
            f"agent {agent_id!r} is not a personal agent (AGENT.md has no 'scope: personal'), "
            "so it has no per-user configuration"
        )


class ModelNotAllowedError(InputValidationError):
    """A per-call model (``options.model``) that the workspace neither uses nor allows."""

    code = "model_not_allowed"

    def __init__(self, model: str) -> None:
        self.model = model
        super().__init__(
            f"model {model!r} is not allowed: options.model must be a model this gateway is "
            "configured with (model.default or model.fallback in gateway.yaml, an agent's model "
            "or fallback in its AGENT.md); to allow another, add it to model.allowed_overrides "
            "in gateway.yaml"
        )


class OutputValidationError(AgentGatewayError):
    """The model's final answer does not match the declared output schema."""

    code = "output_validation_error"

    def __init__(self, message: str, errors: Sequence[str] = (), raw_text: str = "") -> None:
        self.errors: list[str] = list(errors)
        self.raw_text = raw_text
        super().__init__(message)


class ScheduleValidationError(AgentGatewayError, ValueError):
    code = "schedule_validation_error"


# ------------------------------------------------------------------ conflicts


class ConflictError(AgentGatewayError):
    code = "conflict"


class ScheduleConflictError(ConflictError):
    code = "schedule_conflict"


class DuplicateError(ConflictError):
    code = "duplicate"


class McpServerReadOnlyError(ConflictError):
    """An MCP server registered in code or gateway.yaml: the admin API cannot change it."""

    code = "mcp_server_read_only"


class McpServerValidationError(AgentGatewayError, ValueError):
    """An MCP server configuration given to the admin API cannot work as given."""

    code = "invalid_mcp_server"


class InvalidTransitionError(ConflictError):
    code = "invalid_transition"


class IdempotencyConflictError(ConflictError):
    """An idempotency key was used again with a different request."""

    code = "idempotency_conflict"


# ------------------------------------------------------------------ executions


class ExecutionError(AgentGatewayError):
    """An execution did not complete normally."""

    code = "execution_error"

    def __init__(self, message: str, execution_id: str | None = None) -> None:
        self.execution_id = execution_id
        super().__init__(message)


class ExecutionCancelledError(ExecutionError):
    code = "execution_cancelled"


class ExecutionTimeoutError(ExecutionError):
    code = "execution_timeout"


class GuardrailError(ExecutionError):
    """A guardrail stopped the execution; ``reason`` is e.g. ``max_iterations``."""

    code = "guardrail_triggered"

    def __init__(self, reason: str, execution_id: str | None = None) -> None:
        self.reason = reason
        super().__init__(f"guardrail triggered: {reason}", execution_id)


class GatewayStoppedError(ExecutionError):
    """The gateway instance running the execution stopped (crashed, was killed) before it
    finished; another instance recorded the end."""

    code = "gateway_stopped"


class ExecutionHandedBackError(ExecutionError):
    """A background run stopped before its end so that another worker runs the execution
    again (its worker was shutting down and its drain time ran out): the execution is
    ``queued`` again, not ended. What the engine raises to the worker that ran it."""

    code = "execution_handed_back"


# ------------------------------------------------------------------ tools


class ToolError(AgentGatewayError):
    code = "tool_error"

    def __init__(self, message: str, tool_name: str) -> None:
        self.tool_name = tool_name
        super().__init__(message)


class ToolExecutionError(ToolError):
    code = "tool_execution_error"


class ToolTimeoutError(ToolError):
    code = "tool_timeout"


class ToolArgumentsError(ToolError):
    code = "tool_arguments_error"


# ------------------------------------------------------------------ model provider


class LLMError(AgentGatewayError):
    """The model provider failed. ``retryable`` tells whether trying again may help.

    The message is the provider's own text, for the operator (the log): it may quote the
    request or name an account. A client is told :attr:`public_message` instead: the kind of
    failure, the provider and the model.
    """

    code = "llm_error"
    kind = "error"  # the class of failure, as public_message names it
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        status_code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.model = model
        self.status_code = status_code
        self.retry_after = retry_after
        super().__init__(message)

    @property
    def public_message(self) -> str:
        """``model call failed: rate limit (provider 'openai', model 'openai/gpt-4o', HTTP
        429)``: what failed and where, without the provider's text."""
        where = []
        if self.model:
            provider, _, name = self.model.partition("/")
            if name:
                where.append(f"provider {provider!r}")
            where.append(f"model {self.model!r}")
        if self.status_code is not None:
            where.append(f"HTTP {self.status_code}")
        return f"model call failed: {self.kind}" + (f" ({', '.join(where)})" if where else "")


class LLMRateLimitError(LLMError):
    code = "llm_rate_limited"
    kind = "rate limit"
    retryable = True


class LLMTimeoutError(LLMError):
    code = "llm_timeout"
    kind = "timeout"
    retryable = True


class LLMConnectionError(LLMError):
    code = "llm_connection_error"
    kind = "connection error"
    retryable = True


class LLMAuthenticationError(LLMError):
    code = "llm_authentication_error"
    kind = "authentication error"


class LLMBadRequestError(LLMError):
    code = "llm_bad_request"
    kind = "bad request"


class LLMServiceError(LLMError):
    code = "llm_service_error"
    kind = "service error"
    retryable = True


# ------------------------------------------------------------------ infrastructure & security


class BackendUnavailableError(AgentGatewayError):
    """A store, queue or broker is down or too slow; the message names the backend and cause.

    The message is for the operator (logs, an embedded host) and may name the server. What an
    HTTP client is told is :attr:`public_message`, which names only the kind of ``backend``.
    """

    code = "backend_unavailable"

    def __init__(self, message: str, *, backend: str = "a backend the gateway needs") -> None:
        super().__init__(message)
        self.backend = backend

    @property
    def public_message(self) -> str:
        return f"{self.backend} is unavailable; try again shortly"


class FinalWritePendingError(BackendUnavailableError):
    """An execution ended, but the store was unavailable to record how: the write is kept in
    memory and retried in the background until the store takes it (see
    :class:`~agent_gateway_core.engine.final_writes.FinalWrites`).

    ``execution_id`` names the execution, ``status`` and ``result`` (when there is one) say
    how it ended. Running it again would run it twice: look it up by its id once the store is
    back.
    """

    def __init__(
        self,
        execution_id: str,
        status: ExecutionStatus,
        cause: BackendUnavailableError,
        *,
        result: ExecutionResult | None = None,
    ) -> None:
        super().__init__(
            f"execution {execution_id!r} ended ({status.value}), but its end is not stored "
            f"yet: {cause}"
        )
        self.execution_id = execution_id
        self.status = status
        self.result = result
        self.backend = getattr(cause, "backend", "the database")

    @property
    def public_message(self) -> str:
        return (
            f"{self.backend} is unavailable: execution {self.execution_id} ended "
            f"({self.status.value}) and is recorded as soon as it is back; look it up by its "
            "id rather than running it again"
        )


class EngineUnavailableError(AgentGatewayError, ValueError):
    """The gateway or runtime is not started (or already stopped), so nothing can run."""

    code = "engine_unavailable"


class AuthenticationError(AgentGatewayError):
    """The credential is invalid, expired or of an unknown kind (HTTP 401, RFC 6750
    ``invalid_token``)."""

    code = "authentication_error"


class MissingCredentialsError(AuthenticationError):
    """The call carried no credential at all (HTTP 401 with no error code, per RFC 6750)."""

    code = "authentication_required"


class AuthorizationError(AgentGatewayError):
    code = "authorization_error"


class MissingScopeError(AuthorizationError):
    """A valid caller without the scope the operation needs (RFC 6750 ``insufficient_scope``)."""

    code = "insufficient_scope"

    def __init__(self, scope: str) -> None:
        scope = str(scope)  # the plain name, also for a str enum member
        super().__init__(
            f"this call needs the {scope!r} scope, which the credential does not grant"
        )
        self.scope = scope


class RateLimitExceededError(AgentGatewayError):
    """A caller went over its rate limit (HTTP 429). ``reset_at`` is a Unix time in seconds."""

    code = "rate_limit_exceeded"

    def __init__(self, limit: str, *, allowed: int, remaining: int, reset_at: float) -> None:
        super().__init__(f"rate limit exceeded: {limit}")
        self.limit = limit
        self.allowed = allowed
        self.remaining = remaining
        self.reset_at = reset_at


class SetupRequiredError(ConflictError):
    """A personal agent was invoked by a user who has not configured it yet."""

    code = "setup_required"

    def __init__(
        self, agent_id: str, reason: str = "is a personal agent and needs your configuration first"
    ) -> None:
        super().__init__(
            f"agent {agent_id!r} {reason}: save it with POST /v1/agents/{agent_id}/config (its "
            f"fields are described by GET /v1/agents/{agent_id}/setup-schema)"
        )
        self.agent_id = agent_id


class SecretKeyMissingError(ConfigError):
    """Storing a secret was asked for, but no key to encrypt it with is configured."""

    code = "secret_key_missing"


class MemoryNotConfiguredError(ConfigError):
    """A memory operation (such as compaction) was asked of a runtime that has no memory
    manager, or whose memory policy turns memory off."""

    code = "memory_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "memory is not configured: enable memory in gateway.yaml (memory.enabled) or give "
            "the runtime a memory manager"
        )


class NotificationDeliveryError(AgentGatewayError):
    """A channel did not accept a notification.

    ``permanent`` says that trying again cannot help (an unknown Slack channel, revoked
    credentials, a refused target): the delivery ends ``failed`` at once. Otherwise it is
    retried, no sooner than ``retry_after`` seconds when the channel said so (a rate limit).
    """

    code = "notification_delivery_error"

    def __init__(
        self, message: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        self.permanent = permanent
        self.retry_after = retry_after
        super().__init__(message)


class SecretDecryptionError(AgentGatewayError):
    code = "secret_decryption_error"
