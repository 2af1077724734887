"""``invoke`` with ``--url`` or ``--profile``: run an agent on a running gateway."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from agent_gateway.cli.console import print_json, stderr
from agent_gateway.cli.exit_codes import ExitCode
from agent_gateway.cli.remote import remote_client

if TYPE_CHECKING:
    from agent_gateway.cli.invoke import ResultFormat
    from agent_gateway.cli.remote_options import RemoteTarget
    from agent_gateway_client import InvokeOptions

_IN_BACKGROUND = frozenset({"queued", "running"})


def remote_invoke(
    target: RemoteTarget,
    agent: str,
    message: str,
    data: dict[str, Any] | None,
    *,
    model: str | None,
    output: ResultFormat,
    wait: bool,
) -> None:
    """Invoke ``agent`` and print its answer (text) or its result (JSON).

    An agent that runs in the background answers ``queued``: with ``wait`` its execution is
    polled until it ends (Ctrl-C stops waiting, not the execution), else its id is printed.
    A failed execution exits 1 with the error, naming the execution.
    """
    from agent_gateway.cli.invoke import ResultFormat

    options: InvokeOptions | None = {"model": model} if model else None
    with remote_client(target, f"invoke agent {agent!r}", runs_execution=True) as client:
        result = client.agents.invoke(agent, message, input=data, options=options)
        if result.status not in _IN_BACKGROUND:
            answer, record = result.raw_text, result.model_dump(mode="json")
        elif not wait:
            _show_queued(result.execution_id, record=result.model_dump(mode="json"), output=output)
            return
        else:
            try:
                execution = client.executions.wait(result.execution_id, timeout=None)
            except KeyboardInterrupt:
                stderr().print(f"Stopped waiting; execution {result.execution_id} goes on.")
                raise typer.Exit(ExitCode.INTERRUPTED) from None
            answer, record = execution.raw_text or "", execution.model_dump(mode="json")
    if output is ResultFormat.JSON:
        print_json(record)
    else:
        typer.echo(answer)


def _show_queued(execution_id: str, *, record: dict[str, Any], output: ResultFormat) -> None:
    from agent_gateway.cli.invoke import ResultFormat

    if output is ResultFormat.JSON:
        print_json(record)
    else:
        typer.echo(execution_id)
    stderr().print(
        f"Execution {execution_id} is queued; wait for it with "
        f"`agents-gateway executions wait {execution_id}`.",
        soft_wrap=True,
    )
