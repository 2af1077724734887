"""``agents-gateway chat``: an interactive chat with an agent, streamed as it answers; in this
process, or with ``--url`` or ``--profile`` on a running gateway."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from agent_gateway.cli.console import stdout
from agent_gateway.cli.options import DEFAULT_WORKSPACE, WorkspaceOption
from agent_gateway.cli.remote_options import ApiKeyOption, ProfileOption, UrlOption, remote_target

if TYPE_CHECKING:
    from agent_gateway.gateway import Gateway
    from agent_gateway_core.domain.execution import ExecutionOptions

PROMPT = "[bold green]you[/bold green]: "
EXIT_COMMANDS = frozenset({"/exit", "/quit"})
NEW_SESSION = "/new"
INTERRUPTED = 130  # the shell's code for a process stopped by Ctrl-C


def chat(
    agent: Annotated[str, typer.Argument(help="Agent id: its folder name under agents/.")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Use this model instead of the agent's."),
    ] = None,
    url: UrlOption = None,
    profile: ProfileOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Chat with an agent in this terminal; answers stream in as the model writes them.

    Tool calls and their results are shown dimmed. Type `/new` to start a new session, and
    `/exit` or Ctrl-D to quit. Runs in this process: no server needed. With `--url` or
    `--profile`, the chat is with that running gateway's agent (one session on the gateway,
    streamed over Server-Sent Events).

    **Examples**

        agents-gateway chat assistant
        agents-gateway chat assistant --workspace ./my-project/workspace --model openai/gpt-4o
        agents-gateway chat assistant --url http://127.0.0.1:8000
    """
    target = remote_target(url, profile, api_key)
    if target is not None:
        from agent_gateway.cli.remote_chat import remote_chat

        remote_chat(target, agent, model=model)
        return

    import asyncio

    from agent_gateway.cli.gateway_workspace import load_gateway_workspace
    from agent_gateway_core.domain.execution import ExecutionOptions

    options = ExecutionOptions(model=model) if model else None
    load_gateway_workspace(workspace)  # its problems are listed here, not as a failed startup
    try:
        asyncio.run(_chat(workspace, agent, options))
    except KeyboardInterrupt:
        stdout().print()
        raise typer.Exit(INTERRUPTED) from None


async def _chat(workspace: Path, agent: str, options: "ExecutionOptions | None") -> None:
    from agent_gateway.cli.in_process import started_gateway

    console = stdout()
    async with started_gateway(workspace, agent) as gateway:
        name = gateway.agents[agent].name
        console.print(
            f"Chatting with [bold]{escape(name)}[/bold]. "
            "[dim]/new starts a new session; /exit or Ctrl-D quits.[/dim]"
        )
        session_id: str | None = None
        while True:
            try:
                line = (await _read_line(console)).strip()
            except EOFError:
                console.print()
                return
            if line in EXIT_COMMANDS:
                return
            if line == NEW_SESSION:
                session_id = None
                console.print("[dim]New session.[/dim]")
            elif line:
                session_id = await _turn(gateway, agent, line, session_id, options, console)


async def _turn(
    gateway: "Gateway",
    agent: str,
    message: str,
    session_id: str | None,
    options: "ExecutionOptions | None",
    console: Console,
) -> str | None:
    """Stream one turn; returns the session id to continue with."""
    from agent_gateway.cli.chat_render import TurnRenderer
    from agent_gateway_core.engine.request import StreamStarted
    from agent_gateway_core.errors import AgentGatewayError

    renderer = TurnRenderer(console, agent)
    try:
        async for item in gateway.stream_chat(agent, message, session_id, options=options):
            if isinstance(item, StreamStarted):
                session_id = item.session_id or session_id
            else:
                renderer.show(item)
    except AgentGatewayError as exc:
        # Shown, and the chat goes on: the user decides whether to retry, /new or quit.
        console.print(f"[bold red]Error:[/bold red] {escape(str(exc))}")
    return session_id


async def _read_line(console: Console) -> str:
    """One line from the terminal without blocking the event loop.

    A daemon thread, not ``asyncio.to_thread``: on Ctrl-C the process must exit at once,
    not wait for a thread still blocked in ``input()``.
    """
    import asyncio
    import threading

    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()

    def deliver(line: str | None, error: BaseException | None) -> None:
        if answer.done():
            return
        if error is not None:
            answer.set_exception(error)
        else:
            answer.set_result(line or "")

    def read() -> None:
        line: str | None = None
        error: BaseException | None = None
        try:
            line = console.input(PROMPT)
        except Exception as exc:  # EOFError on Ctrl-D; anything else is raised in the loop
            error = exc
        loop.call_soon_threadsafe(deliver, line, error)

    threading.Thread(target=read, name="chat-input", daemon=True).start()
    return await answer
