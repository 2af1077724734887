"""Run one tool call: validate its arguments, call its handler, bound its time.

Every failure becomes an unsuccessful ToolResult rather than an exception, so the model sees
the problem as the tool's answer and can correct itself.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agent_gateway_core.domain.messages import ToolCall
from agent_gateway_core.domain.tool import ToolContext, ToolDefinition, ToolResult
from agent_gateway_core.engine.function_tool import CONTEXT_PARAMETER, takes_context
from agent_gateway_core.engine.hooks import TOOL_CALL_AFTER, TOOL_CALL_BEFORE, HookRegistry
from agent_gateway_core.engine.schemas import json_schema_validator
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.ports.clock import Clock

if TYPE_CHECKING:
    from jsonschema.protocols import Validator


@dataclass(frozen=True, slots=True)
class _PreparedTool:
    """What is worked out once per tool instead of once per call."""

    definition: ToolDefinition
    validator: Validator
    wants_context: bool
    is_async: bool


class ToolRunner:
    """Runs tool calls for the engine; caches one compiled validator per tool."""

    def __init__(self, registry: ToolRegistry, clock: Clock, hooks: HookRegistry) -> None:
        self._registry = registry
        self._clock = clock
        self._hooks = hooks
        self._prepared: dict[str, _PreparedTool] = {}

    async def run(
        self,
        call: ToolCall,
        tools: Mapping[str, ToolDefinition],
        context: ToolContext,
        timeout_seconds: float,
    ) -> ToolResult:
        """Run ``call`` if ``tools`` (the agent's tools) has it; never raises for tool faults."""
        hook_args = {
            "agent_id": context.agent_id,
            "execution_id": context.execution_id,
            "tool_name": call.name,
            "call_id": call.id,
            "arguments": call.arguments,
        }
        await self._hooks.emit(TOOL_CALL_BEFORE, **hook_args)
        started = self._clock.monotonic()
        output, error = await self._outcome(call, tools, context, timeout_seconds)
        result = ToolResult(
            call_id=call.id,
            name=call.name,
            success=error is None,
            output=output,
            error=error,
            duration_ms=int((self._clock.monotonic() - started) * 1000),
        )
        await self._hooks.emit(TOOL_CALL_AFTER, result=result, **hook_args)
        return result

    async def _outcome(
        self,
        call: ToolCall,
        tools: Mapping[str, ToolDefinition],
        context: ToolContext,
        timeout_seconds: float,
    ) -> tuple[Any, str | None]:
        definition = tools.get(call.name)
        if definition is None:
            available = ", ".join(sorted(tools)) or "none"
            return None, f"unknown tool {call.name!r}; available tools: {available}"
        if call.arguments_error is not None:
            return None, f"invalid arguments for tool {call.name!r}: {call.arguments_error}"
        prepared = self._prepare(definition)
        problems = [
            f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in prepared.validator.iter_errors(call.arguments)
        ]
        if problems:
            return None, f"invalid arguments for tool {call.name!r}: {'; '.join(problems)}"
        timeout = definition.timeout_seconds or timeout_seconds
        try:
            async with asyncio.timeout(timeout) as deadline:
                return await self._call(prepared, call.arguments, context), None
        except TimeoutError as exc:
            if not deadline.expired():
                return None, f"tool {call.name!r} failed: {_describe(exc)}"
            return None, f"tool {call.name!r} timed out after {timeout:g} s"
        except Exception as exc:
            return None, f"tool {call.name!r} failed: {_describe(exc)}"

    def _prepare(self, definition: ToolDefinition) -> _PreparedTool:
        cached = self._prepared.get(definition.name)
        if cached is not None and cached.definition is definition:
            return cached
        handler = definition.handler
        prepared = _PreparedTool(
            definition=definition,
            validator=json_schema_validator(
                definition.spec.parameters, what=f"parameters of tool {definition.name!r}"
            ),
            wants_context=handler is not None and takes_context(handler),
            is_async=handler is not None and inspect.iscoroutinefunction(handler),
        )
        self._prepared[definition.name] = prepared
        return prepared

    async def _call(
        self, prepared: _PreparedTool, arguments: dict[str, Any], context: ToolContext
    ) -> Any:
        definition = prepared.definition
        if definition.provider is not None:
            return await self._registry.call_provider_tool(definition, arguments, context)
        handler = definition.handler
        if handler is None:
            raise RuntimeError("the tool has no handler")
        kwargs = dict(arguments)
        if prepared.wants_context:
            kwargs[CONTEXT_PARAMETER] = context
        if prepared.is_async:
            return await handler(**kwargs)
        # Sync handlers may block (files, HTTP clients): keep them off the event loop.
        result = await asyncio.to_thread(handler, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result


def tool_message_content(result: ToolResult) -> str:
    """The text fed back to the model for ``result``."""
    if not result.success:
        return json.dumps({"error": result.error})
    return serialize_output(result.output)


def serialize_output(output: Any) -> str:
    """A tool's output as text: str as is, pydantic via model_dump, else JSON, else str()."""
    if isinstance(output, str):
        return output
    if isinstance(output, BaseModel):
        return output.model_dump_json()
    try:
        return json.dumps(output, default=_jsonable)
    except (TypeError, ValueError):
        return str(output)


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return str(value)


def _describe(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
