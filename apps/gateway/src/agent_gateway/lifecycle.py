"""Startup and shutdown: load the workspace, choose adapters, build the Runtime."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import SettingsError

from agent_gateway.auth.api_keys import ApiKeyAuthProvider
from agent_gateway.auth.callable_provider import CallableAuthProvider
from agent_gateway.composition.container import GatewayContainer
from agent_gateway.composition.extras import import_adapter, is_installed
from agent_gateway.composition.llm import (
    LOCAL_PREFIX,
    OPENAI_COMPAT_PREFIX,
    LazyLLMClient,
    LocalModelClient,
    RoutingLLMClient,
)
from agent_gateway.composition.local_model import LocalModelHandle
from agent_gateway.composition.persistence import (
    SQL_BACKENDS,
    effective_persistence,
    import_sql_adapter,
)
from agent_gateway.heap import freeze_long_lived
from agent_gateway.options import FluentOptions
from agent_gateway.services import GatewayServices
from agent_gateway.settings import GatewaySettings, settings_problems
from agent_gateway.worker import ExecutionWorker
from agent_gateway_core.engine.hooks import HookRegistry
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.errors import (
    ConfigError,
    MissingExtraError,
    WorkspaceError,
    WorkspaceProblem,
)
from agent_gateway_core.ports.auth_provider import AuthProvider
from agent_gateway_core.ports.llm_client import LLMClient
from agent_gateway_core.runtime import Runtime
from agent_gateway_core.workspace import WorkspaceState, load_workspace

logger = logging.getLogger("agent_gateway")

AuthOption = bool | Callable[..., Any] | AuthProvider


async def load_gateway_workspace(path: Path) -> tuple[WorkspaceState, GatewaySettings]:
    """The workspace with gateway.yaml validated and env overrides applied, off the event loop."""
    workspace = await asyncio.to_thread(load_workspace, path)
    try:
        settings = GatewaySettings.from_config(workspace.config)
    except ValidationError as exc:
        raise WorkspaceError(settings_problems(exc)) from exc
    except SettingsError as exc:  # an AGENT_GATEWAY_* variable that is not valid JSON
        raise ConfigError(f"environment override: {exc}") from exc
    workspace = dataclasses.replace(workspace, model=settings.model, guardrails=settings.guardrails)
    return workspace, settings


def _workspace_models(workspace: WorkspaceState) -> list[str]:
    """Every model string the workspace may call: defaults, agents' models, fallbacks."""
    models = [workspace.model.default, *workspace.model.fallback]
    for agent in workspace.agents.values():
        models += [agent.model.name, *agent.model.fallback]
    return [m for m in models if m]


def start_local_model(workspace: WorkspaceState) -> LocalModelHandle | None:
    """Start the bundled model when any agent may use a ``local/`` model (one name for now)."""
    models = _workspace_models(workspace)
    local = sorted({m.removeprefix(LOCAL_PREFIX) for m in models if m.startswith(LOCAL_PREFIX)})
    if not local:
        return None
    if len(local) > 1:
        raise ConfigError(f"only one local model can be used at a time; the workspace uses {local}")
    return LocalModelHandle.start(local[0])


def choose_auth(
    option: AuthOption, settings: GatewaySettings, fluent: FluentOptions
) -> tuple[bool, AuthProvider | None]:
    """(auth enabled?, provider). Enabled with no provider means every protected call is 401."""
    if option is False:
        return False, None
    if isinstance(option, AuthProvider):
        return True, option
    if callable(option):
        return True, CallableAuthProvider(option)
    if FluentOptions.is_set(fluent.auth_provider):
        provider = fluent.auth_provider
        return provider is not None, provider
    if not settings.auth.enabled:
        return False, None
    keys = [
        {"key": k.key.get_secret_value(), "name": k.name, "scopes": k.scopes}
        for k in settings.auth.api_keys
    ]
    if not keys:
        logger.error(
            "authentication is on but no API keys are configured, so every protected route "
            "answers 401. Add keys with gw.use_api_keys([{'name': ..., 'key': ...}]) or "
            "auth.api_keys in gateway.yaml, or pass Gateway(auth=False) to turn auth off."
        )
        return True, None
    return True, ApiKeyAuthProvider(keys)


# (adapter module, feature, extra) of each optional adapter, by what needs it.
_QUEUE_ADAPTERS = {
    "redis": ("agent_gateway_redis", "the Redis queue", "redis"),
    "rabbitmq": ("agent_gateway_rabbitmq", "the RabbitMQ queue", "rabbitmq"),
}
_OAUTH2_ADAPTER = ("agent_gateway_oauth2", "OAuth2 authentication (use_oauth2)", "oauth2")
_SLACK_ADAPTER = ("agent_gateway_slack", "Slack notifications (use_slack_notifications)", "slack")
_WEBHOOKS_ADAPTER = (
    "agent_gateway_webhooks",
    "webhook notifications (use_webhook_notifications)",
    "webhooks",
)
_MCP_ADAPTER = ("agent_gateway_mcp", "MCP servers (add_mcp_server)", "mcp")


def check_available_features(fluent: FluentOptions, settings: GatewaySettings) -> None:
    """Fail startup on any configured feature this installation cannot serve.

    A feature whose adapter is not installed raises MissingExtraError with the exact
    ``pip install`` line; a feature this release does not have raises ConfigError. Nothing that
    was configured is silently ignored.
    """
    custom_persistence = FluentOptions.is_set(fluent.persistence) and fluent.persistence is not None
    if not custom_persistence:
        backend = effective_persistence(fluent, settings).backend
        if backend in SQL_BACKENDS:
            import_sql_adapter(backend)
    for module, feature, extra in _required_adapters(fluent, settings):
        import_adapter(module, feature=feature, extra=extra)
    if fluent.file_memory:
        raise ConfigError(
            "use_file_memory(): file memory is not available in this release; pass a memory "
            "backend with gw.use_memory(...) instead"
        )
    if fluent.notification_backends:
        raise ConfigError(
            "use_notifications(): notification delivery is not available in this release"
        )
    if fluent.dashboard is not None:
        raise ConfigError("use_dashboard(): the web dashboard is not available in this release")


def _required_adapters(
    fluent: FluentOptions, settings: GatewaySettings
) -> list[tuple[str, str, str]]:
    required: list[tuple[str, str, str]] = []
    if not FluentOptions.is_set(fluent.queue):
        queue = fluent.queue_settings or settings.queue.model_dump()
        if queue["backend"] in _QUEUE_ADAPTERS:
            required.append(_QUEUE_ADAPTERS[queue["backend"]])
    if fluent.oauth2 is not None:
        required.append(_OAUTH2_ADAPTER)
    if fluent.slack is not None:
        required.append(_SLACK_ADAPTER)
    if fluent.webhooks:
        required.append(_WEBHOOKS_ADAPTER)
    if any(server.enabled for server in fluent.mcp_servers.values()):
        required.append(_MCP_ADAPTER)
    return required


def check_agents(runtime: Runtime) -> None:
    """Every enabled agent must resolve its tools and skills now, not on its first request.

    Raises WorkspaceError with one problem per agent that cannot be built (an unknown tool
    or skill, a schema that does not compile).
    """
    problems: list[WorkspaceProblem] = []
    for agent_id, agent in runtime.workspace.agents.items():
        if not agent.enabled:
            continue
        try:
            runtime.engine.plan_for(agent_id)
        except ConfigError as exc:
            problems.append(WorkspaceProblem(f"agents/{agent_id}/AGENT.md", str(exc)))
    if problems:
        raise WorkspaceError(problems)


def build_llm(
    workspace: WorkspaceState, local: LocalModelHandle | None, *, freeze_heap: bool = True
) -> LLMClient:
    from agent_gateway_litellm import LiteLLMClient

    default = LiteLLMClient()
    routes: dict[str, LLMClient] = {}
    if local is not None:
        routes[LOCAL_PREFIX] = LocalModelClient(LiteLLMClient(), local.endpoint)
    # Routed whenever the adapter is installed, so an agent added by a reload can use it too;
    # api_base and api_key come with each request (the agent's or gateway.yaml's model).
    if is_installed("agent_gateway_openai_compat"):
        routes[OPENAI_COMPAT_PREFIX] = LazyLLMClient(_openai_compat_client)
    elif any(m.startswith(OPENAI_COMPAT_PREFIX) for m in _workspace_models(workspace)):
        raise MissingExtraError(f"{OPENAI_COMPAT_PREFIX}... models", "openai-compat")
    return RoutingLLMClient(
        default, routes, on_first_response=freeze_long_lived if freeze_heap else None
    )


def _openai_compat_client() -> LLMClient:
    adapter = import_adapter(
        "agent_gateway_openai_compat",
        feature=f"{OPENAI_COMPAT_PREFIX}... models",
        extra="openai-compat",
    )
    client: LLMClient = adapter.OpenAICompatClient()
    return client


def check_reloadable(workspace: WorkspaceState, services: GatewayServices) -> None:
    """A reload cannot start the bundled local model; that takes a restart."""
    uses_local = any(m.startswith(LOCAL_PREFIX) for m in _workspace_models(workspace))
    if uses_local and services.local_model is None:
        raise ConfigError(
            f"the reloaded workspace uses a {LOCAL_PREFIX}... model, which starts with the "
            "gateway: restart the gateway to use it"
        )


async def start_services(
    *,
    workspace_path: Path,
    auth: AuthOption,
    fluent: FluentOptions,
    container: GatewayContainer,
    hooks: HookRegistry,
    tools: ToolRegistry,
    configure_runtime: Callable[[Runtime], None],
) -> GatewayServices:
    """Everything a started gateway needs; on failure, whatever was opened is closed again."""
    workspace, settings = await load_gateway_workspace(workspace_path)
    check_available_features(fluent, settings)
    config = settings.model_dump()
    config["persistence"] = effective_persistence(fluent, settings).model_dump(by_alias=True)
    if fluent.queue_settings is not None:
        config["queue"] = fluent.queue_settings
    container.config.from_dict(config)
    container.reset_singletons()  # a restarted gateway opens its adapters anew
    stack = contextlib.AsyncExitStack()
    try:
        persistence = (
            fluent.persistence
            if FluentOptions.is_set(fluent.persistence) and fluent.persistence is not None
            else container.persistence()
        )
        await persistence.initialize()
        stack.push_async_callback(persistence.aclose)
        queue = fluent.queue if FluentOptions.is_set(fluent.queue) else container.queue()
        if queue is not None:
            stack.push_async_callback(queue.aclose)
        auth_enabled, auth_provider = choose_auth(auth, settings, fluent)
        local = start_local_model(workspace)
        if local is not None:
            stack.push_async_callback(local.aclose)
        llm = build_llm(workspace, local, freeze_heap=settings.server.freeze_heap)
        runtime = Runtime(
            workspace=workspace,
            llm=llm,
            persistence=persistence,
            clock=container.clock(),
            memory=fluent.memory if FluentOptions.is_set(fluent.memory) else None,
            retrievers=fluent.retrievers,
            hooks=hooks,
            tool_registry=tools,
            session_ttl_seconds=settings.sessions.ttl_seconds,
            max_sessions=settings.sessions.max_sessions,
        )
        stack.push_async_callback(runtime.aclose)
        configure_runtime(runtime)
        await runtime.start()
        check_agents(runtime)
        services = GatewayServices(
            settings=settings,
            runtime=runtime,
            persistence=persistence,
            queue=queue,
            llm=llm,
            auth_enabled=auth_enabled,
            auth_provider=auth_provider,
            started_at=container.clock().now(),
            clock=container.clock(),
            local_model=local,
        )
        if queue is not None:
            ExecutionWorker(services).start()  # a background task, cancelled by stop_services
        stack.pop_all()
        return services
    except BaseException:
        await stack.aclose()
        raise


async def stop_services(services: GatewayServices) -> None:
    for task in list(services.background):
        task.cancel()
    if services.background:
        await asyncio.gather(*services.background, return_exceptions=True)
    await services.runtime.aclose()
    if services.queue is not None:
        await services.queue.aclose()
    await services.persistence.aclose()
    if services.local_model is not None:
        await services.local_model.aclose()
