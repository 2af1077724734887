"""A ToolProvider serving a fixed set of Python callables."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from agent_gateway_core.domain.tool import ToolContext, ToolSpec
from agent_gateway_core.errors import (
    BackendUnavailableError,
    ToolExecutionError,
    ToolNotFoundError,
)
from agent_gateway_core.ports.tool_provider import ToolProvider


class StaticToolProvider(ToolProvider):
    """Serves ``tools`` (name -> (spec, handler)); the mapping key is the tool's name.

    A handler gets the arguments as keyword arguments, plus ``context`` when it declares a
    parameter of that name; it may be sync or async. Set ``available = False`` to simulate an
    unreachable provider.
    """

    def __init__(self, name: str, tools: Mapping[str, tuple[ToolSpec, Callable[..., Any]]]) -> None:
        self.name = name
        self.available = True
        self.closed = False
        self._tools = {
            tool_name: (spec.model_copy(update={"name": tool_name}), handler)
            for tool_name, (spec, handler) in tools.items()
        }

    async def list_tools(self) -> list[ToolSpec]:
        self._check_reachable()
        return [spec for spec, _ in self._tools.values()]

    async def call_tool(self, name: str, arguments: dict[str, Any], context: ToolContext) -> Any:
        self._check_reachable()
        if name not in self._tools:
            raise ToolNotFoundError(name)
        _, handler = self._tools[name]
        kwargs = dict(arguments)
        if "context" in inspect.signature(handler).parameters:
            kwargs["context"] = context
        try:
            result = handler(**kwargs)
            if inspect.isawaitable(result):
                result = await result
        except Exception as exc:
            raise ToolExecutionError(
                f"tool {name!r} of provider {self.name!r} failed: {exc}", tool_name=name
            ) from exc
        return result

    async def aclose(self) -> None:
        self.closed = True

    def _check_reachable(self) -> None:
        if not self.available:
            raise BackendUnavailableError(
                f"tool provider {self.name!r} is unavailable (simulated outage)"
            )
