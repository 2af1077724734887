"""Startup and shutdown: load the workspace, ask the container for every port, build the
Runtime; close it all again at shutdown."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent_gateway.auth.public_paths import PublicPaths
from agent_gateway.composition.container import GatewayContainer, close_resources, provided
from agent_gateway.composition.features import check_available_features
from agent_gateway.composition.mcp import start_mcp_servers
from agent_gateway.composition.memory import choose_memory, memory_policy
from agent_gateway.composition.model_clients import workspace_models
from agent_gateway.composition.notifications import (
    check_notification_targets,
    open_notification_backends,
    warn_about_channels_without_backend,
)
from agent_gateway.composition.scheduler import claims_described, scheduler_config
from agent_gateway.composition.workspace import load_gateway_workspace
from agent_gateway.http_policy import resolve_http_policy
from agent_gateway.options import FluentOptions
from agent_gateway.services import GatewayServices
from agent_gateway.settings import GatewaySettings
from agent_gateway.workspace_reload import WorkspaceReload
from agent_gateway_core.engine.hooks import HookRegistry
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.notifications import DeliveryConfig
from agent_gateway_core.runtime import Runtime

logger = logging.getLogger("agent_gateway.scheduler")


@dataclass(frozen=True, slots=True, kw_only=True)
class RuntimeHooks:
    """What the host contributes to every runtime it starts."""

    hooks: HookRegistry
    tools: ToolRegistry
    configure: Callable[[Runtime], None]  # schemas set in code, re-applied after a reload
    on_reloaded: Callable[[Runtime], None]  # the host follows a reload (typed routes)


async def start_services(
    *,
    workspace_path: Path,
    fluent: FluentOptions,
    container: GatewayContainer,
    host: RuntimeHooks,
) -> GatewayServices:
    """Everything a started gateway needs; on failure, whatever was opened is closed again."""
    workspace, settings = await load_gateway_workspace(workspace_path)
    check_available_features(fluent)
    container.config.from_dict(
        {
            **settings.model_dump(by_alias=True),
            "workspace": {"models": workspace_models(workspace)},
        }
    )
    container.reset_singletons()  # a restarted gateway builds its adapters anew
    stack = contextlib.AsyncExitStack()
    stack.push_async_callback(close_resources, container)
    try:
        persistence = await provided(container.opened_persistence)
        queue = await provided(container.opened_queue)
        auth = await provided(container.auth)
        llm = await provided(container.llm)
        # Started only when the LLM client (unless overridden) routes ``local/`` models to it.
        local_model = (
            await provided(container.local_model) if container.local_model.initialized else None
        )
        clock = await provided(container.clock)
        runtime = Runtime(
            workspace=workspace,
            llm=llm,
            persistence=persistence,
            queue=queue,
            clock=clock,
            memory=choose_memory(
                settings=settings.memory,
                chosen=await provided(container.memory),
                file_memory=fluent.file_memory,
                workspace_path=workspace_path,
                persistence=persistence,
                agents=workspace.agents.values(),
            ),
            memory_policy=memory_policy(settings.memory),
            retrievers=fluent.retrievers,
            hooks=host.hooks,
            tool_registry=host.tools,
            session_ttl_seconds=settings.sessions.ttl_seconds,
            max_sessions=settings.sessions.max_sessions,
            instance_lease_seconds=settings.server.instance_lease_seconds,
        )
        stack.push_async_callback(runtime.aclose)
        host.configure(runtime)
        await runtime.start()
        # Before the agents are checked: an AGENT.md may list an MCP tool by its name.
        await start_mcp_servers(runtime, settings.mcp, fluent, clock)
        runtime.check_agents()
        services = GatewayServices(
            settings=settings,
            runtime=runtime,
            persistence=persistence,
            queue=queue,
            llm=llm,
            auth_provider=auth,
            http_policy=resolve_http_policy(
                settings,
                security_headers=fluent.security_headers,
                cors=fluent.cors,
                proxy_headers=fluent.proxy_headers,
            ),
            reload=WorkspaceReload(
                workspace_path,
                runtime,
                local_model_running=local_model is not None,
                configure=host.configure,
                on_reloaded=host.on_reloaded,
            ),
            clock=clock,
            started_at=clock.now(),
            local_model=local_model,
            public_paths=PublicPaths(settings.auth.public_paths),
            rate_limiter=await provided(container.rate_limiter),
        )
        check_notification_targets(workspace.agents.values(), settings.notifications, fluent)
        backends = await open_notification_backends(settings.notifications, fluent, stack)
        if backends or any(a.notifications.targets() for a in workspace.agents.values()):
            # Even with no backend: the deliveries are logged, failed, saying why.
            runtime.start_notifications(
                backends,
                DeliveryConfig(
                    max_attempts=settings.notifications.max_attempts,
                    retry_base_seconds=settings.notifications.retry_base_seconds,
                ),
            )
        warn_about_channels_without_backend(workspace.agents.values(), backends)
        if settings.scheduler.enabled and fluent.run_scheduler:
            await _start_scheduler(runtime, settings, container)
        if queue is not None and settings.queue.workers > 0:
            # Consumes until runtime.aclose(); with workers: 0 this process only accepts.
            runtime.start_worker(concurrency=settings.queue.workers)
        stack.pop_all()
        return services
    except BaseException:
        await stack.aclose()
        raise


async def _start_scheduler(
    runtime: Runtime, settings: GatewaySettings, container: GatewayContainer
) -> None:
    lock = await provided(container.schedule_lock)
    await runtime.start_scheduler(
        scheduler_config(settings.scheduler),
        claims=lock,
        exclusive=settings.scheduler.distributed_lock.backend != "none",
    )
    schedules = await runtime.persistence.schedules.list_all()  # records only: no run lookups
    logger.info(
        "scheduler started: %d schedule(s), %d enabled; %s",
        len(schedules),
        sum(1 for s in schedules if s.enabled),
        claims_described(settings.scheduler, lock),
    )


async def stop_services(services: GatewayServices, container: GatewayContainer) -> None:
    """Stop background work and the runtime, then close the adapters the container opened."""
    try:
        await services.runtime.aclose()
    finally:
        await close_resources(container)
