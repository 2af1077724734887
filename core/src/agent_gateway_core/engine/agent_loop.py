"""The model/tool-call loop of one execution, bounded by its guardrails."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent_gateway_core.domain.agent import Guardrails
from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.execution import ExecutionStatus, StopReason
from agent_gateway_core.domain.messages import Message, ToolCall
from agent_gateway_core.domain.tool import ToolContext, ToolDefinition, ToolResult
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.engine.event_log import EventLog
from agent_gateway_core.engine.model_caller import ModelCall, ModelCaller
from agent_gateway_core.engine.request import StreamToolCall, StreamToolResult
from agent_gateway_core.engine.schemas import CompiledSchema
from agent_gateway_core.engine.structured_output import parse_structured_output, repair_prompt
from agent_gateway_core.engine.tool_journal import ToolJournal
from agent_gateway_core.engine.tool_runner import ToolRunner, serialize_output, tool_message_content
from agent_gateway_core.errors import (
    ExecutionCancelledError,
    GuardrailError,
    LLMError,
    OutputValidationError,
)
from agent_gateway_core.ports.llm_client import LLMResponse


@dataclass(frozen=True, slots=True, kw_only=True)
class LoopOutcome:
    """How the loop ended, before it becomes an ExecutionResult."""

    status: ExecutionStatus
    stop_reason: StopReason
    raw_text: str = ""
    output: Any = None
    error: str | None = None
    error_code: str | None = None
    validation_errors: list[str] | None = None


class AgentLoop:
    """Calls the model, runs the tools it asks for, feeds the results back, until it answers.

    ``usage`` and ``raw_text`` stay readable when the loop is interrupted (cancelled, timed
    out, a model failure), so the engine can record what was spent.
    """

    def __init__(
        self,
        *,
        model_call: ModelCall,
        caller: ModelCaller,
        runner: ToolRunner,
        tools: Mapping[str, ToolDefinition],
        tool_context: ToolContext,
        guardrails: Guardrails,
        output_schema: CompiledSchema | None,
        events: EventLog,
        journal: ToolJournal | None = None,
    ) -> None:
        self._call = model_call
        self._caller = caller
        self._runner = runner
        self._tools = tools
        self._context = tool_context
        self._guardrails = guardrails
        self._schema = output_schema
        self._events = events
        self._journal = journal or ToolJournal()
        self.usage = Usage()
        self.raw_text = ""

    async def run(self, messages: list[Message]) -> LoopOutcome:
        max_iterations = self._guardrails.max_iterations
        repaired = False
        for iteration in range(1, max_iterations + 1):
            self._call.token.raise_if_cancelled()
            response = await self._caller.call(self._call, messages, iteration)
            self._record_response(response)
            if not response.tool_calls:
                text = response.content or ""
                if self._schema is None:
                    return LoopOutcome(
                        status=ExecutionStatus.SUCCEEDED,
                        stop_reason=StopReason.COMPLETED,
                        raw_text=text,
                    )
                output, errors = parse_structured_output(
                    text, self._schema, self._guardrails.max_output_depth
                )
                if not errors:
                    return LoopOutcome(
                        status=ExecutionStatus.SUCCEEDED,
                        stop_reason=StopReason.COMPLETED,
                        raw_text=text,
                        output=output,
                    )
                if repaired or iteration == max_iterations:
                    return _invalid_output(text, errors, repaired)
                repaired = True
                messages += [Message.assistant(text), Message.user(repair_prompt(errors))]
                continue
            if iteration == max_iterations:
                return self._guardrail(StopReason.MAX_ITERATIONS, max_iterations)
            if self.usage.tool_calls + len(response.tool_calls) > self._guardrails.max_tool_calls:
                return self._guardrail(StopReason.MAX_TOOL_CALLS, self._guardrails.max_tool_calls)
            messages.append(Message.assistant(response.content, response.tool_calls))
            messages += await self._run_tools(response.tool_calls)
            await self._events.flush()
        return self._guardrail(StopReason.MAX_ITERATIONS, max_iterations)

    def _record_response(self, response: LLMResponse) -> None:
        self.usage += response.usage
        self.raw_text = response.content or self.raw_text
        self._events.add(
            EventType.MODEL_RESPONSE,
            model=response.model,
            content=response.content,
            tool_calls=[{"id": c.id, "name": c.name} for c in response.tool_calls],
            finish_reason=response.finish_reason,
            usage=response.usage.model_dump(mode="json"),
        )

    async def _run_tools(self, calls: tuple[ToolCall, ...]) -> list[Message]:
        self.usage += Usage(tool_calls=len(calls))
        # Keys are handed out in the model's order, before anything runs, so they do not
        # depend on which concurrent call finishes first.
        keys = [self._journal.key(call) for call in calls]
        for call, key in zip(calls, keys, strict=True):
            self._events.add(
                EventType.TOOL_CALL,
                call_id=call.id,
                name=call.name,
                arguments=call.arguments,
                key=key,
            )
            if self._call.emit is not None:
                self._call.emit(StreamToolCall(call))
        # Stored before any handler runs: a re-run after a crash knows what was started.
        await self._events.flush()
        outcomes = await self._call.token.run(self._gather(calls, keys))
        messages = []
        for key, (result, replayed) in zip(keys, outcomes, strict=True):
            self._events.add(
                EventType.TOOL_RESULT,
                call_id=result.call_id,
                name=result.name,
                key=key,
                success=result.success,
                output=serialize_output(result.output) if result.success else None,
                error=result.error,
                duration_ms=result.duration_ms,
                **({"replayed": True} if replayed else {}),
            )
            messages.append(Message.tool(result.call_id, result.name, tool_message_content(result)))
        return messages

    async def _gather(
        self, calls: tuple[ToolCall, ...], keys: list[str]
    ) -> list[tuple[ToolResult, bool]]:
        runs = (self._run_one(call, key) for call, key in zip(calls, keys, strict=True))
        return list(await asyncio.gather(*runs))

    async def _run_one(self, call: ToolCall, key: str) -> tuple[ToolResult, bool]:
        """The call's result, and whether it is an earlier attempt's, replayed (the handler
        is not called, nor the tool hooks)."""
        definition = self._tools.get(call.name)
        completed, output = self._journal.recorded(key)
        replayed = completed and definition is not None and not definition.idempotent
        if replayed:
            result = ToolResult(call_id=call.id, name=call.name, success=True, output=output)
        else:
            result = await self._runner.run(
                call, self._tools, self._context, self._guardrails.tool_timeout_seconds
            )
        if self._call.emit is not None:
            self._call.emit(StreamToolResult(result))
        return result, replayed

    def _guardrail(self, reason: StopReason, limit: int) -> LoopOutcome:
        error = GuardrailError(reason.value)
        return LoopOutcome(
            status=ExecutionStatus.FAILED,
            stop_reason=reason,
            raw_text=self.raw_text,
            error=f"{error} (limit {limit})",
            error_code=error.code,
        )


def _invalid_output(text: str, errors: list[str], repaired: bool) -> LoopOutcome:
    after = " after one repair attempt" if repaired else ""
    error = OutputValidationError(
        f"the model's answer does not match the output schema{after}: {'; '.join(errors)}",
        errors,
        text,
    )
    return LoopOutcome(
        status=ExecutionStatus.FAILED,
        stop_reason=StopReason.ERROR,
        raw_text=text,
        error=str(error),
        error_code=error.code,
        validation_errors=error.errors,
    )


def ended(
    status: ExecutionStatus, reason: StopReason, error: Exception, raw_text: str
) -> LoopOutcome:
    """An outcome for a loop stopped by ``error`` (cancelled, timed out, the model failed).

    A model failure is recorded as its public message (the kind of failure, the provider and
    the model), never the provider's own text, which the model caller has logged."""
    code = getattr(error, "code", "internal_error")
    message = error.public_message if isinstance(error, LLMError) else str(error)
    return LoopOutcome(
        status=status, stop_reason=reason, raw_text=raw_text, error=message, error_code=code
    )


def interrupted(exc: BaseException, raw_text: str) -> LoopOutcome:
    """An outcome for a loop stopped by something that is not an execution outcome."""
    if isinstance(exc, asyncio.CancelledError):
        return LoopOutcome(
            status=ExecutionStatus.CANCELLED,
            stop_reason=StopReason.CANCELLED,
            raw_text=raw_text,
            error="the task running the execution was cancelled",
            error_code=ExecutionCancelledError.code,
        )
    return LoopOutcome(
        status=ExecutionStatus.FAILED,
        stop_reason=StopReason.ERROR,
        raw_text=raw_text,
        error=f"internal error: {type(exc).__name__}: {exc}",
        error_code=getattr(exc, "code", "internal_error"),
    )
