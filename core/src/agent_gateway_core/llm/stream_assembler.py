"""Collects the pieces of a streamed chat completion into one final LLMResponse."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent_gateway_core.llm.openai_wire import parse_tool_call, usage_of
from agent_gateway_core.ports.llm_client import LLMResponse


@dataclass(slots=True)
class _PartialToolCall:
    id: str | None = None
    name: str = ""
    fragments: list[str] = field(default_factory=list)


class StreamAssembler:
    """Text, tool-call fragments (by index), finish reason and token counts of one stream.

    Adapters read their own chunk type and feed the pieces here, so tool calls are assembled
    the same way whatever the transport.
    """

    __slots__ = ("_calls", "_text", "finish_reason", "input_tokens", "output_tokens")

    def __init__(self) -> None:
        self._text: list[str] = []
        self._calls: dict[int, _PartialToolCall] = {}
        self.finish_reason: str | None = None
        self.input_tokens = 0
        self.output_tokens = 0

    def add_text(self, text: str) -> None:
        """Append a piece of the answer's text."""
        self._text.append(text)

    def add_tool_call_fragment(
        self, index: int, call_id: str | None, name: str | None, arguments: str | None
    ) -> None:
        """Add one fragment of the tool call at ``index``.

        The first fragment of a call carries its id and name; later ones only arguments.
        """
        call = self._calls.get(index)
        if call is None:
            call = self._calls[index] = _PartialToolCall()
        if call_id:
            call.id = call_id
        if name:
            call.name = name
        if arguments:
            call.fragments.append(arguments)

    def response(self, model: str, cost_usd: float | None) -> LLMResponse:
        """The final response of the stream, reported under ``model``."""
        tool_calls = tuple(
            parse_tool_call(call.id, call.name, "".join(call.fragments))
            for _, call in sorted(self._calls.items())
        )
        return LLMResponse(
            content="".join(self._text) if self._text or not tool_calls else None,
            tool_calls=tool_calls,
            finish_reason=self.finish_reason,
            model=model,
            usage=usage_of(model, self.input_tokens, self.output_tokens, cost_usd),
        )
