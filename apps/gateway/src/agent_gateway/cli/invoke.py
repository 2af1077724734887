"""``agents-gateway invoke``: run an agent once, in this process, and print its answer; with
``--url`` or ``--profile``, on that running gateway."""

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agent_gateway.cli.console import fail, print_json
from agent_gateway.cli.options import DEFAULT_WORKSPACE, WorkspaceOption
from agent_gateway.cli.remote_options import (
    REMOTE_PANEL,
    ApiKeyOption,
    ProfileOption,
    UrlOption,
    remote_target,
)

if TYPE_CHECKING:
    from agent_gateway_core.domain.execution import ExecutionOptions, ExecutionResult


class ResultFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def invoke(
    agent: Annotated[str, typer.Argument(help="Agent id: its folder name under agents/.")],
    message: Annotated[str, typer.Argument(help="The message to send to the agent.")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    input_json: Annotated[
        str | None,
        typer.Option(
            "--input",
            "-i",
            help="Structured input as a JSON object, checked against the agent's input_schema.",
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Use this model instead of the agent's."),
    ] = None,
    output: Annotated[
        ResultFormat,
        typer.Option("--format", "-f", help="text: the answer only; json: the whole result."),
    ] = ResultFormat.TEXT,
    url: UrlOption = None,
    profile: ProfileOption = None,
    api_key: ApiKeyOption = None,
    wait: Annotated[
        bool,
        typer.Option(
            help="With a gateway: wait for an execution that runs in the background, and "
            "print its answer; --no-wait prints its id at once.",
            rich_help_panel=REMOTE_PANEL,
        ),
    ] = True,
) -> None:
    """Invoke an agent once and print its answer. Runs in this process: no server needed.

    With `--url` or `--profile`, the agent runs on that gateway instead (`POST
    /v1/agents/{id}/invoke`), as the API key's user.

    Exits with code 1 when the execution does not succeed (the error is shown), 2 when
    `--input` is not a JSON object; with a gateway, each other error has its own code.

    **Examples**

        agents-gateway invoke assistant "What time is it in Tokyo?"
        agents-gateway invoke triage "The app crashes" --input '{"customer_tier": "pro"}'
        agents-gateway invoke assistant "Hello" --model openai/gpt-4o-mini --format json
        agents-gateway invoke assistant "Hello" --url http://127.0.0.1:8000 --api-key sk-...
    """
    target = remote_target(url, profile, api_key)
    if target is None and not wait:
        raise typer.BadParameter(
            "only applies to a gateway: add --url or --profile", param_hint="--no-wait"
        )
    if target is not None:
        from agent_gateway.cli.remote_invoke import remote_invoke

        data = parse_input(input_json)
        remote_invoke(target, agent, message, data, model=model, output=output, wait=wait)
        return

    import asyncio

    from agent_gateway.cli.gateway_workspace import load_gateway_workspace
    from agent_gateway_core.domain.execution import ExecutionOptions

    data = parse_input(input_json)
    options = ExecutionOptions(model=model) if model else None
    load_gateway_workspace(workspace)  # its problems are listed here, not as a failed startup
    result = asyncio.run(_invoke(workspace, agent, message, data, options))

    if output is ResultFormat.JSON:
        print_json(result.model_dump(mode="json"))
    elif result.succeeded:
        typer.echo(result.raw_text)
    if not result.succeeded:
        code = f" ({result.error_code})" if result.error_code else ""
        fail(f"execution {result.execution_id} {result.status}{code}: {result.error}")


def parse_input(text: str | None) -> dict[str, Any] | None:
    """The ``--input`` option as a dict; a usage error (exit 2) unless it is a JSON object."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"not valid JSON: {exc}", param_hint="--input") from exc
    if not isinstance(value, dict):
        kind = type(value).__name__
        raise typer.BadParameter(f"must be a JSON object, got {kind}", param_hint="--input")
    return value


async def _invoke(
    workspace: Path,
    agent: str,
    message: str,
    data: dict[str, Any] | None,
    options: "ExecutionOptions | None",
) -> "ExecutionResult":
    from agent_gateway.cli.in_process import started_gateway

    async with started_gateway(workspace, agent) as gateway:
        return await gateway.invoke(agent, message, input=data, options=options)
