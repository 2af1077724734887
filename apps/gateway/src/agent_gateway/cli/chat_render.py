"""Render one streamed chat turn: text as it arrives, tool calls dimmed, then the outcome."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.markup import escape

if TYPE_CHECKING:
    from rich.console import Console

    from agent_gateway_core.engine.request import StreamItem

_MAX_TOOL_OUTPUT = 200


class TurnRenderer:
    """Writes the items of one chat turn to ``console``, the agent's name before its text."""

    def __init__(self, console: Console, speaker: str) -> None:
        self._console = console
        self._speaker = speaker
        self._line_open = False  # text printed since the last newline
        self._streamed_text = False

    def show(self, item: StreamItem) -> None:
        from agent_gateway_core.domain.execution import ExecutionResult
        from agent_gateway_core.engine.request import StreamDelta, StreamToolCall, StreamToolResult

        if isinstance(item, StreamDelta):
            self._text(item.text)
        elif isinstance(item, StreamToolCall):
            arguments = json.dumps(item.call.arguments, ensure_ascii=False)
            self._note(f"→ {item.call.name}({_clip(arguments)})")
        elif isinstance(item, StreamToolResult):
            result = item.result
            if result.success:
                self._note(f"← {result.name}: {_clip(_as_text(result.output))}")
            else:
                self._note(f"← {result.name} failed: {_clip(result.error or '')}")
        elif isinstance(item, ExecutionResult):
            self._finish(item)

    def _text(self, text: str) -> None:
        if not self._line_open:
            self._console.print(f"[bold cyan]{escape(self._speaker)}[/bold cyan]: ", end="")
            self._line_open = True
        self._console.out(text, end="", highlight=False)
        self._console.file.flush()
        self._streamed_text = True

    def _note(self, text: str) -> None:
        self._end_line()
        self._console.print(escape(text), style="dim")

    def _finish(self, result: Any) -> None:
        if result.succeeded and not self._streamed_text and result.raw_text:
            self._text(result.raw_text)  # nothing was streamed, e.g. a structured answer
        self._end_line()
        if not result.succeeded:
            code = f" ({result.error_code})" if result.error_code else ""
            self._console.print(
                f"[bold red]✗ {result.status}{escape(code)}:[/bold red] {escape(str(result.error))}"
            )
        tokens = result.usage.total_tokens
        self._console.print(f"{tokens} tokens · {result.duration_ms} ms", style="dim")

    def _end_line(self) -> None:
        if self._line_open:
            self._console.print()
            self._line_open = False


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_TOOL_OUTPUT else text[: _MAX_TOOL_OUTPUT - 1] + "…"
