"""Render one streamed chat turn: text as it arrives, tool calls dimmed, then the outcome.

The same renderer serves the local chat (the core's stream items, :meth:`TurnRenderer.show`)
and the chat with a gateway (the client SDK's events, through the public methods).
"""

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
        """One item of the core's stream (the local chat)."""
        from agent_gateway_core.domain.execution import ExecutionResult
        from agent_gateway_core.engine.request import StreamDelta, StreamToolCall, StreamToolResult

        if isinstance(item, StreamDelta):
            self.text(item.text)
        elif isinstance(item, StreamToolCall):
            self.tool_call(item.call.name, item.call.arguments)
        elif isinstance(item, StreamToolResult):
            result = item.result
            self.tool_result(result.name, result.success, result.output, result.error)
        elif isinstance(item, ExecutionResult):
            self.finish(
                succeeded=item.succeeded,
                raw_text=item.raw_text,
                status=item.status.value,
                error_code=item.error_code,
                error=item.error,
                tokens=item.usage.total_tokens,
                duration_ms=item.duration_ms,
            )

    def text(self, text: str) -> None:
        """A piece of the answer, printed as it comes."""
        if not self._line_open:
            self._console.print(f"[bold cyan]{escape(self._speaker)}[/bold cyan]: ", end="")
            self._line_open = True
        self._console.out(text, end="", highlight=False)
        self._console.file.flush()
        self._streamed_text = True

    def tool_call(self, name: str, arguments: dict[str, Any]) -> None:
        self._note(f"→ {name}({_clip(json.dumps(arguments, ensure_ascii=False))})")

    def tool_result(self, name: str, success: bool, output: Any, error: str | None) -> None:
        if success:
            self._note(f"← {name}: {_clip(_as_text(output))}")
        else:
            self._note(f"← {name} failed: {_clip(error or '')}")

    def finish(
        self,
        *,
        succeeded: bool,
        raw_text: str,
        status: str,
        error_code: str | None,
        error: str | None,
        tokens: int,
        duration_ms: int,
    ) -> None:
        """The turn's outcome: the answer if none was streamed, the failure, the usage."""
        if succeeded and not self._streamed_text and raw_text:
            self.text(raw_text)  # nothing was streamed, e.g. a structured answer
        self._end_line()
        if not succeeded:
            code = f" ({error_code})" if error_code else ""
            self._console.print(
                f"[bold red]✗ {escape(status)}{escape(code)}:[/bold red] {escape(str(error))}"
            )
        self._console.print(f"{tokens} tokens · {duration_ms} ms", style="dim")

    def failed(self, error_code: str | None, message: str) -> None:
        """The turn failed, with no result to show (a gateway's ``error`` event)."""
        self._end_line()
        code = f" ({error_code})" if error_code else ""
        self._console.print(f"[bold red]✗ failed{escape(code)}:[/bold red] {escape(message)}")

    def _note(self, text: str) -> None:
        self._end_line()
        self._console.print(escape(text), style="dim")

    def _end_line(self) -> None:
        if self._line_open:
            self._console.print()
            self._line_open = False


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_TOOL_OUTPUT else text[: _MAX_TOOL_OUTPUT - 1] + "…"
