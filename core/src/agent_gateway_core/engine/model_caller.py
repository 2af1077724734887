"""One model call of an execution: fallback models, streaming, hooks, cancellation."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from agent_gateway_core.domain.messages import Message
from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.engine.cancellation import CancellationToken
from agent_gateway_core.engine.hooks import LLM_CALL_AFTER, LLM_CALL_BEFORE, HookRegistry
from agent_gateway_core.engine.model_settings import ModelSettings
from agent_gateway_core.engine.request import StreamDelta, StreamItem
from agent_gateway_core.errors import (
    LLMAuthenticationError,
    LLMBadRequestError,
    LLMError,
    LLMServiceError,
)
from agent_gateway_core.ports.llm_client import LLMClient, LLMRequest, LLMResponse, TextDelta

logger = logging.getLogger(__name__)

Emit = Callable[[StreamItem], None]

# The request itself is wrong or the key is: another model will not fix that.
_NOT_FALLBACK_WORTHY = (LLMBadRequestError, LLMAuthenticationError)


@dataclass(slots=True, kw_only=True)
class ModelCall:
    """The parts of a model call that stay the same across an execution."""

    agent_id: str
    execution_id: str
    settings: ModelSettings
    tools: Sequence[ToolSpec]
    response_schema: dict[str, Any] | None
    response_schema_name: str
    token: CancellationToken
    emit: Emit | None
    # Index into settings.models of the model to try first; moves past models that failed,
    # so later calls of the execution do not retry a model that just failed.
    model_index: int = 0


@dataclass(slots=True)
class _StreamProgress:
    sent_text: bool = False


class ModelCaller:
    """Calls the LLM for the engine, trying fallback models on provider faults."""

    def __init__(self, llm: LLMClient, hooks: HookRegistry) -> None:
        self._llm = llm
        self._hooks = hooks

    async def call(
        self, call: ModelCall, messages: Sequence[Message], iteration: int
    ) -> LLMResponse:
        """Call the first working model; raise the last model's LLMError when none works."""
        models = call.settings.models
        index = call.model_index
        while True:
            model = models[index]
            progress = _StreamProgress()
            hook_args = {
                "agent_id": call.agent_id,
                "execution_id": call.execution_id,
                "model": model,
                "iteration": iteration,
            }
            await self._hooks.emit(LLM_CALL_BEFORE, **hook_args)
            request = self._request(call, model, messages)
            try:
                if call.emit is None:
                    response = await call.token.run(self._llm.complete(request))
                else:
                    response = await call.token.run(self._stream(request, call.emit, progress))
            except LLMError as exc:
                await self._hooks.emit(LLM_CALL_AFTER, error=exc, **hook_args)
                # Text already streamed to the caller cannot be taken back.
                last = index + 1 == len(models)
                if last or progress.sent_text or isinstance(exc, _NOT_FALLBACK_WORTHY):
                    # The provider's text stays here: callers are told only exc.public_message.
                    logger.warning(
                        "model %r failed for execution %s: %s: %s",
                        model,
                        call.execution_id,
                        type(exc).__name__,
                        exc,
                    )
                    raise
                index += 1
                logger.warning(
                    "model %r failed for execution %s (%s); trying fallback %r",
                    model,
                    call.execution_id,
                    exc,
                    models[index],
                )
                continue
            await self._hooks.emit(
                LLM_CALL_AFTER, response=response, usage=response.usage, **hook_args
            )
            call.model_index = index
            return response

    def _request(self, call: ModelCall, model: str, messages: Sequence[Message]) -> LLMRequest:
        settings = call.settings
        return LLMRequest(
            model=model,
            messages=tuple(messages),
            tools=call.tools,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
            response_schema=call.response_schema,
            response_schema_name=call.response_schema_name,
            api_base=settings.api_base,
            api_key=settings.api_key,
            timeout_seconds=settings.timeout_seconds,
        )

    async def _stream(
        self, request: LLMRequest, emit: Emit, progress: _StreamProgress
    ) -> LLMResponse:
        final: LLMResponse | None = None
        async for event in self._llm.stream(request):
            if isinstance(event, TextDelta):
                progress.sent_text = True
                emit(StreamDelta(event.text))
            else:
                final = event
        if final is None:
            raise LLMServiceError(
                "the model's stream ended without a final response", model=request.model
            )
        return final
