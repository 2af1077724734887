"""Lifecycle hooks: async callbacks the engine calls at fixed points of an execution.

Events and the keyword arguments their callbacks receive:

- ``agent.invoke.before``: agent_id, message, execution_id, kind, user_id, session_id
- ``agent.invoke.after`` (succeeded): the same plus ``result``
- ``agent.invoke.error`` (any other outcome): the same plus ``result``, ``error``, ``error_code``
- ``llm.call.before``: agent_id, execution_id, model, iteration
- ``llm.call.after``: the same plus ``usage`` and ``response`` (or ``error``)
- ``tool.call.before``: agent_id, execution_id, tool_name, call_id, arguments
- ``tool.call.after``: the same plus ``result`` (a ToolResult)

Callbacks run in registration order. One that raises is logged as a warning and never
breaks the execution; callbacks should accept ``**kwargs`` so new payload keys break nobody.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger(__name__)

HookCallback = Callable[..., Awaitable[Any]]

AGENT_INVOKE_BEFORE = "agent.invoke.before"
AGENT_INVOKE_AFTER = "agent.invoke.after"
AGENT_INVOKE_ERROR = "agent.invoke.error"
TOOL_CALL_BEFORE = "tool.call.before"
TOOL_CALL_AFTER = "tool.call.after"
LLM_CALL_BEFORE = "llm.call.before"
LLM_CALL_AFTER = "llm.call.after"

HOOK_EVENTS = frozenset(
    {
        AGENT_INVOKE_BEFORE,
        AGENT_INVOKE_AFTER,
        AGENT_INVOKE_ERROR,
        TOOL_CALL_BEFORE,
        TOOL_CALL_AFTER,
        LLM_CALL_BEFORE,
        LLM_CALL_AFTER,
    }
)


class HookRegistry:
    """Holds hook callbacks per event and calls them, isolating their failures."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[HookCallback]] = {}

    def on(self, event: str, callback: HookCallback) -> HookCallback:
        """Register ``callback`` (an ``async def``) for ``event``; returns it, so it decorates."""
        if event not in HOOK_EVENTS:
            known = ", ".join(sorted(HOOK_EVENTS))
            raise ValueError(f"unknown hook event {event!r}; known events: {known}")
        if not inspect.iscoroutinefunction(callback):
            name = getattr(callback, "__qualname__", repr(callback))
            raise TypeError(f"hook {name} for {event!r} must be an async function (async def)")
        self._listeners.setdefault(event, []).append(callback)
        return callback

    def has_listeners(self, event: str) -> bool:
        return event in self._listeners

    async def emit(self, event: str, **payload: Any) -> None:
        """Call every callback of ``event`` with ``payload``; failures are logged, not raised."""
        listeners = self._listeners.get(event)
        if not listeners:
            return
        for callback in tuple(listeners):
            try:
                await callback(**payload)
            except Exception:
                logger.warning(
                    "hook %s for event %r failed",
                    getattr(callback, "__qualname__", repr(callback)),
                    event,
                    exc_info=True,
                )
