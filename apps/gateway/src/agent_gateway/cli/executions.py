"""``agents-gateway executions``: a running gateway's executions (list, get, cancel, wait).

Remote only: the gateway is found as the client SDK finds it (``--url``, ``--profile``,
``AGENT_GATEWAY_URL``, then the default profile), the environment being enough here since
there is no local mode to fall back to.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agent_gateway.cli.exit_codes import EXIT_CODES_HELP
from agent_gateway.cli.options import FormatOption, OutputFormat
from agent_gateway.cli.remote_options import (
    ApiKeyOption,
    GatewayProfileOption,
    GatewayUrlOption,
    RemoteTarget,
)

if TYPE_CHECKING:
    from agent_gateway_client import Execution, GatewayClientSync, Page

executions = typer.Typer(
    name="executions",
    help=(
        "A running gateway's executions: every invoke, chat turn and scheduled run, with its "
        "status, result and usage. Only the API key's own executions are shown.\n\n"
        "The gateway is `--url` or `--profile`, else `$AGENT_GATEWAY_URL`, else the default "
        "profile of ~/.config/agent-gateway/client.toml.\n\n" + EXIT_CODES_HELP
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


class ExecutionStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"


ExecutionId = Annotated[str, typer.Argument(help="The execution's id.", show_default=False)]


@executions.command("list", epilog=EXIT_CODES_HELP)
def list_executions(
    agent: Annotated[
        str | None, typer.Option("--agent", "-a", help="Only this agent's.", show_default=False)
    ] = None,
    status: Annotated[
        ExecutionStatus | None,
        typer.Option("--status", "-s", help="Only those with this status.", show_default=False),
    ] = None,
    tracking: Annotated[
        str | None,
        typer.Option(
            "--tracking",
            "-t",
            help="Only those made under this tracking label (X-Agent-Gateway-Tracking).",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    output: FormatOption = OutputFormat.TABLE,
    url: GatewayUrlOption = None,
    profile: GatewayProfileOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """List the executions, newest first (one page: `--limit`, `--offset`).

    JSON prints each execution as `GET /v1/executions` answers it.

    **Examples**

        agents-gateway executions list --url http://127.0.0.1:8000
        agents-gateway executions list --agent triage --status failed --limit 10
        agents-gateway executions list --tracking nightly-sync --format json
    """
    from agent_gateway.cli.listing import show_models
    from agent_gateway.cli.remote import remote_client
    from agent_gateway.cli.remote_catalog import ON_THE_GATEWAY

    target = RemoteTarget(url=url, profile=profile, api_key=api_key)
    with remote_client(target, "list the executions") as client:
        items, total = _page(client, agent, status, tracking, limit, offset)
    shown = f"{offset + 1} to {offset + len(items)}" if items else "none"
    show_models(
        items,
        _row,
        title="Executions",
        output=output,
        where=ON_THE_GATEWAY,
        footer=f"{shown} of {total}",
    )


@executions.command("get", epilog=EXIT_CODES_HELP)
def get_execution(
    execution_id: ExecutionId,
    output: FormatOption = OutputFormat.TABLE,
    url: GatewayUrlOption = None,
    profile: GatewayProfileOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Show an execution: status, times, message, result, error and usage.

    **Examples**

        agents-gateway executions get 7f0c... --url http://127.0.0.1:8000
        agents-gateway executions get 7f0c... --format json
    """
    from agent_gateway.cli.remote import remote_client

    target = RemoteTarget(url=url, profile=profile, api_key=api_key)
    with remote_client(target, f"get execution {execution_id!r}") as client:
        execution = client.executions.get(execution_id)
    _show(execution, output)


@executions.command("cancel", epilog=EXIT_CODES_HELP)
def cancel_execution(
    execution_id: ExecutionId,
    output: FormatOption = OutputFormat.TABLE,
    url: GatewayUrlOption = None,
    profile: GatewayProfileOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Ask a queued or running execution to stop; it ends `cancelled` at its next step.

    An execution that has already finished is a conflict (exit code 6).

    **Examples**

        agents-gateway executions cancel 7f0c... --url http://127.0.0.1:8000
    """
    from agent_gateway.cli.console import print_json, stdout
    from agent_gateway.cli.remote import remote_client

    target = RemoteTarget(url=url, profile=profile, api_key=api_key)
    with remote_client(target, f"cancel execution {execution_id!r}") as client:
        answer = client.executions.cancel(execution_id)
    if output is OutputFormat.JSON:
        print_json(answer.model_dump(mode="json"))
    else:
        stdout().print(f"✓ Cancel requested for execution {execution_id}", soft_wrap=True)


@executions.command("wait", epilog=EXIT_CODES_HELP)
def wait_execution(
    execution_id: ExecutionId,
    timeout: Annotated[
        float,
        typer.Option(
            min=0, help="Give up after this many seconds (exit code 11); 0 waits forever."
        ),
    ] = 300.0,
    output: FormatOption = OutputFormat.TABLE,
    url: GatewayUrlOption = None,
    profile: GatewayProfileOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Wait until an execution ends, then show it.

    Exits 0 when it succeeded; 1 when it failed, was cancelled or timed out (it is shown
    too, and the error is on stderr); 11 when it is still going after `--timeout`.

    **Examples**

        agents-gateway executions wait 7f0c... --url http://127.0.0.1:8000
        agents-gateway executions wait 7f0c... --timeout 60 --format json
    """
    from agent_gateway.cli.remote import exit_for, remote_client

    target = RemoteTarget(url=url, profile=profile, api_key=api_key)
    action = f"wait for execution {execution_id!r}"
    with remote_client(target, action) as client:
        import agent_gateway_client as sdk

        try:
            execution = client.executions.wait(execution_id, timeout=timeout or None)
        except sdk.ExecutionFailedError as failed:
            _show(failed.execution, output)
            exit_for(action, failed)
    _show(execution, output)


def _page(
    client: GatewayClientSync,
    agent: str | None,
    status: ExecutionStatus | None,
    tracking: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Execution], int]:
    """One page of executions, and how many match in all."""
    import agent_gateway_client as sdk

    state = status.value if status else None
    if tracking is None:
        page: Page[Execution] = client.executions.list(
            agent_id=agent, status=state, limit=limit, offset=offset
        )
        return list(page), page.total
    # ``executions.list`` has no ``tracking`` filter yet: the same route through the client's
    # escape hatch (same authentication, retries and errors).
    params = {"agent_id": agent, "status": state, "tracking": tracking}
    params = {key: value for key, value in params.items() if value is not None}
    answer = client.request(
        "GET", "/v1/executions", params={**params, "limit": limit, "offset": offset}
    ).json()
    return [sdk.Execution.model_validate(item) for item in answer["items"]], answer["total"]


def _row(execution: Execution) -> dict[str, Any]:
    created = execution.created_at
    return {
        "id": execution.id,
        "agent": execution.agent_id,
        "status": execution.status,
        "kind": execution.kind,
        "created": f"{created:%Y-%m-%d %H:%M:%S}" if created else None,
        "duration": _duration(execution),
        "tokens": execution.usage.total_tokens,
        "tracking": getattr(execution, "tracking", None),
    }


def _show(execution: Execution, output: OutputFormat) -> None:
    from agent_gateway.cli.listing import show_record

    answer = execution.raw_text if execution.result is None else execution.result
    fields = {
        "id": execution.id,
        "agent": execution.agent_id,
        "status": execution.status,
        "kind": execution.kind,
        "message": execution.message,
        "input": execution.input or None,
        "session": execution.session_id,
        "schedule": execution.schedule_id,
        "tracking": getattr(execution, "tracking", None),
        "created": execution.created_at,
        "started": execution.started_at,
        "finished": execution.finished_at,
        "duration": _duration(execution),
        "answer": answer,
        "error": execution.error,
        "tokens": f"{execution.usage.input_tokens} in, {execution.usage.output_tokens} out",
        "cost": f"${execution.usage.cost_usd:.6f}",
    }
    show_record(execution, fields, title=f"Execution {execution.id}", output=output)


def _duration(execution: Execution) -> str | None:
    if execution.started_at is None or execution.finished_at is None:
        return None
    milliseconds = (execution.finished_at - execution.started_at).total_seconds() * 1000
    return f"{milliseconds:.0f} ms"
