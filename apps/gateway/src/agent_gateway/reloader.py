"""``Gateway(reload=True)``: reload the workspace when its files change (development only)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from agent_gateway_core.errors import AgentGatewayError

logger = logging.getLogger("agent_gateway")


class WorkspaceReloader:
    """Watches the workspace with watchfiles and calls ``reload`` after each burst of changes.

    A workspace with problems is logged with every problem and the previous one keeps serving.
    """

    def __init__(self, root: Path, reload: Callable[[], Awaitable[None]]) -> None:
        self._root = root
        self._reload = reload
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch(), name="workspace-reloader")

    async def _watch(self) -> None:
        from watchfiles import awatch

        async for changes in awatch(
            self._root, stop_event=self._stop, debounce=300, watch_filter=self._is_workspace_file
        ):
            names = sorted({Path(path).name for _, path in changes})
            logger.info("workspace changed (%s); reloading", ", ".join(names[:5]))
            try:
                await self._reload()
            except AgentGatewayError as exc:
                logger.error("reload failed, still serving the previous workspace:\n%s", exc)

    def _is_workspace_file(self, _change: object, path: str) -> bool:
        """Whether a change is to the workspace's definitions, not to what the gateway writes
        itself: file memory (``agents/*/MEMORY.md``, ``agents/*/memory/``) and hidden files
        (its lock and temporary files among them)."""
        try:
            parts = Path(path).relative_to(self._root).parts
        except ValueError:
            return True
        if any(part.startswith(".") for part in parts):
            return False
        in_agent = len(parts) >= 3 and parts[0] == "agents"
        return not (in_agent and (parts[2] == "memory" or parts[-1] == "MEMORY.md"))

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
