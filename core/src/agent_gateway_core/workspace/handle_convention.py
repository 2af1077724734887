"""The existing product's handler convention: ``handle(arguments, context)`` in handler.py.

Its handlers take the model's arguments as one dict and a context object whose attribute
names are the existing product's (``caller_identity``, ``user_config``, ...). :func:`adapt_handle`
turns such a function into a handler of ours (model arguments as keywords, our ToolContext as
``context=``), so the tool runner validates, times and runs both conventions alike; sync
functions stay sync, so the runner keeps them off the event loop in a worker thread.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent_gateway_core.domain.tool import ToolContext, ToolHandler


@dataclass(slots=True, kw_only=True)
class HandleContext:
    """What ``handle(arguments, context)`` receives: the existing product's names, and ours.

    ``user_config`` and ``user_secrets`` are a personal agent's setup values and decrypted
    secrets for the caller (empty for other agents), as in the existing product. This engine
    runs no delegation between agents yet, so every execution is its own root
    (``root_execution_id`` is the execution id, no parent, depth 0), and MCP servers are
    reached as tools, not through a connection manager: those attributes hold the values the
    existing product gives when it has none.
    """

    execution_id: str
    agent_id: str
    user_id: str | None = None
    session_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    user_secrets: dict[str, str] = field(default_factory=dict, repr=False)
    user_config: dict[str, Any] = field(default_factory=dict)
    parent_execution_id: str | None = None
    root_execution_id: str | None = None
    delegation_depth: int = 0
    delegates_to: list[str] = field(default_factory=list)
    mcp_manager: Any = None

    @property
    def caller_identity(self) -> str | None:
        """The existing product's name for :attr:`user_id`."""
        return self.user_id

    @classmethod
    def of(cls, context: ToolContext) -> HandleContext:
        """The view of ``context`` a ``handle`` function gets; a fresh one per call."""
        return cls(
            execution_id=context.execution_id,
            agent_id=context.agent_id,
            user_id=context.user_id,
            session_id=context.session_id,
            metadata=dict(context.metadata),
            user_secrets=dict(context.user_secrets),
            user_config=dict(context.user_config),
            root_execution_id=context.execution_id,
        )


def handle_signature_problem(handle: Callable[..., Any]) -> str | None:
    """Why ``handle`` cannot be called as ``handle(arguments, context)``, or ``None``."""
    try:
        signature = inspect.signature(handle)
    except (TypeError, ValueError):  # some builtins and C callables have no signature
        return None
    try:
        signature.bind(None, None)
    except TypeError:
        return "handle() must accept two positional arguments: handle(arguments, context)"
    return None


def adapt_handle(handle: Callable[..., Any]) -> ToolHandler:
    """A handler of ours that calls ``handle(arguments, context)``; async if ``handle`` is."""
    if inspect.iscoroutinefunction(handle):

        async def call_async(*, context: ToolContext, **arguments: Any) -> Any:
            return await handle(arguments, HandleContext.of(context))

        return call_async

    def call_sync(*, context: ToolContext, **arguments: Any) -> Any:
        return handle(arguments, HandleContext.of(context))

    return call_sync
