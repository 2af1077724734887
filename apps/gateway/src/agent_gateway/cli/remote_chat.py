"""``chat`` with ``--url`` or ``--profile``: a chat with a running gateway's agent, each turn
streamed (``client.chat.stream``) and rendered as the local chat renders its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from agent_gateway.cli.chat import EXIT_COMMANDS, INTERRUPTED, NEW_SESSION, PROMPT
from agent_gateway.cli.console import fail, stdout
from agent_gateway.cli.exit_codes import ExitCode
from agent_gateway.cli.remote import describe, remote_client

if TYPE_CHECKING:
    from rich.console import Console

    from agent_gateway.cli.remote_options import RemoteTarget
    from agent_gateway_client import GatewayClientSync, InvokeOptions


def remote_chat(target: RemoteTarget, agent: str, *, model: str | None) -> None:
    """Read lines until ``/exit``, Ctrl-D or Ctrl-C; each is one turn of one session.

    The agent is looked up first, so an unknown agent (5), a wrong key (3) or no gateway
    (10) ends the command before the prompt. A turn that fails is shown and the chat goes
    on, as in the local chat.
    """
    options: InvokeOptions | None = {"model": model} if model else None
    console = stdout()
    try:
        with remote_client(target, f"chat with agent {agent!r}") as client:
            detail = client.agents.get(agent)
            if not detail.enabled:
                fail(f"agent is disabled: {agent!r}", code=ExitCode.PERMISSION)
            console.print(
                f"Chatting with [bold]{escape(detail.display_name or agent)}[/bold] at "
                f"{escape(client.settings.base_url)}. "
                "[dim]/new starts a new session; /exit or Ctrl-D quits.[/dim]"
            )
            _loop(client, agent, options, console)
    except KeyboardInterrupt:
        console.print()
        raise typer.Exit(INTERRUPTED) from None


def _loop(
    client: GatewayClientSync, agent: str, options: InvokeOptions | None, console: Console
) -> None:
    session_id: str | None = None
    while True:
        try:
            line = console.input(PROMPT).strip()
        except EOFError:
            console.print()
            return
        if line in EXIT_COMMANDS:
            return
        if line == NEW_SESSION:
            session_id = None
            console.print("[dim]New session.[/dim]")
        elif line:
            session_id = _turn(client, agent, line, session_id, options, console)


def _turn(
    client: GatewayClientSync,
    agent: str,
    message: str,
    session_id: str | None,
    options: InvokeOptions | None,
    console: Console,
) -> str | None:
    """Stream one turn; returns the session id to continue with."""
    import agent_gateway_client as sdk
    from agent_gateway.cli.chat_render import TurnRenderer

    renderer = TurnRenderer(console, agent)
    try:
        for event in client.chat.stream(agent, message, session_id=session_id, options=options):
            if isinstance(event, sdk.SessionEvent):
                session_id = event.session_id
            elif isinstance(event, sdk.DeltaEvent):
                renderer.text(event.text)
            elif isinstance(event, sdk.ToolCallEvent):
                renderer.tool_call(event.name, event.arguments)
            elif isinstance(event, sdk.ToolResultEvent):
                renderer.tool_result(event.name, event.success, event.output, event.error)
            elif isinstance(event, sdk.DoneEvent):
                result = event.result
                renderer.finish(
                    succeeded=result.status == "succeeded",
                    raw_text=result.raw_text,
                    status=result.status,
                    error_code=None,
                    error=None,
                    tokens=result.usage.total_tokens,
                    duration_ms=result.duration_ms,
                )
            elif isinstance(event, sdk.ErrorEvent):
                renderer.failed(event.error.code, event.error.message)
    except sdk.GatewayError as exc:
        # Shown, and the chat goes on: the user decides whether to retry, /new or quit.
        line = describe("the turn", exc, runs_execution=True)
        console.print(f"[bold red]Error:[/bold red] {escape(line)}", soft_wrap=True)
    return session_id
