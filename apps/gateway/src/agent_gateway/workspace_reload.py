"""Reloading a running gateway's workspace from disk, atomically."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from agent_gateway.composition.llm import LOCAL_PREFIX
from agent_gateway.composition.model_clients import workspace_models
from agent_gateway.composition.workspace import load_gateway_workspace
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.runtime import Runtime
from agent_gateway_core.workspace import WorkspaceState

logger = logging.getLogger("agent_gateway")


class WorkspaceReload:
    """``await reload()``: loads the workspace again and swaps it into the runtime, or changes
    nothing.

    In-flight executions finish on the old snapshot. A workspace with problems raises
    WorkspaceError (a ConfigError) and the previous one keeps serving. ``configure`` re-applies
    what code set on the runtime (schemas set in code); ``on_reloaded`` lets the host follow
    (the typed invoke routes). One reload runs at a time.
    """

    def __init__(
        self,
        path: Path,
        runtime: Runtime,
        *,
        local_model_running: bool,
        configure: Callable[[Runtime], None],
        on_reloaded: Callable[[Runtime], None],
    ) -> None:
        self._path = path
        self._runtime = runtime
        self._local_model_running = local_model_running
        self._configure = configure
        self._on_reloaded = on_reloaded
        self._lock = asyncio.Lock()

    async def __call__(self) -> WorkspaceState:
        """Reload from disk; returns the workspace now served."""
        runtime = self._runtime
        async with self._lock:
            workspace, _ = await load_gateway_workspace(self._path)
            self._check_reloadable(workspace)
            previous = runtime.workspace
            runtime.reload(workspace)
            self._configure(runtime)  # agents may have appeared or gone
            try:
                runtime.check_agents()
            except ConfigError:
                runtime.reload(previous)
                raise
            self._on_reloaded(runtime)
        logger.info("workspace reloaded: %d agents", len(workspace.agents))
        return workspace

    def _check_reloadable(self, workspace: WorkspaceState) -> None:
        """A reload cannot start the bundled local model; that takes a restart."""
        uses_local = any(m.startswith(LOCAL_PREFIX) for m in workspace_models(workspace))
        if uses_local and not self._local_model_running:
            raise ConfigError(
                f"the reloaded workspace uses a {LOCAL_PREFIX}... model, which starts with the "
                "gateway: restart the gateway to use it"
            )
