"""``agents-gateway codegen``: typed agents, written from a running gateway's agents.

The generator is the client SDK's (:func:`agent_gateway_client.codegen.generate_agent_types`);
this command fetches the agents with their schemas and writes the module. It is a typer
group run without a subcommand, so that the command reads ``agents-gateway codegen --out
...`` like any other; it has no subcommand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent_gateway.cli.exit_codes import EXIT_CODES_HELP
from agent_gateway.cli.remote_options import (
    ApiKeyOption,
    GatewayProfileOption,
    GatewayUrlOption,
    RemoteTarget,
)

codegen = typer.Typer(
    name="codegen",
    invoke_without_command=True,
    subcommand_metavar="",
    rich_markup_mode="markdown",
    add_completion=False,
)


@codegen.callback(epilog=EXIT_CODES_HELP)
def generate(
    agents: Annotated[
        list[str] | None,
        typer.Option(
            "--agent",
            "-a",
            help="Only this agent (repeat for more). Default: every agent of the gateway.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the module to this file. Default: print it on stdout.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    url: GatewayUrlOption = None,
    profile: GatewayProfileOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Write typed agents: pydantic models of each agent's input and output schemas, and a
    helper per agent whose `invoke` returns its declared output model.

    The agents are read from a running gateway (`GET /v1/agents/{id}`): `--url` or
    `--profile`, else `$AGENT_GATEWAY_URL`, else the default profile. For agent `triage`
    the module has `TriageInput`, `TriageOutput` and `TriageAgent`, whose
    `invoke(client, message, input)` (async, a `GatewayClient`) and `invoke_sync(...)` (a
    `GatewayClientSync`) return a `TriageOutput`; an agent without an output schema returns
    its text. The same agents always give the same file; it passes ruff and mypy --strict.

    **Examples**

        agents-gateway codegen --url http://127.0.0.1:8000 --out agents_types.py
        agents-gateway codegen --profile prod --agent triage --agent support > agents_types.py
    """
    from agent_gateway.cli.console import fail, stderr
    from agent_gateway.cli.exit_codes import ExitCode
    from agent_gateway.cli.remote import remote_client

    target = RemoteTarget(url=url, profile=profile, api_key=api_key)
    with remote_client(target, "generate the agent types") as client:
        from agent_gateway_client.codegen import generate_agent_types

        ids = list(dict.fromkeys(agents)) if agents else [a.id for a in client.agents.list()]
        details = [client.agents.get(agent_id) for agent_id in ids]
        version = client.health().version
        source = generate_agent_types(
            details, source=client.settings.base_url, gateway_version=version
        )
    if out is None:
        typer.echo(source, nl=False)
        return
    try:
        out.write_text(source, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}", code=ExitCode.FAILED)
    count = len(details)
    stderr().print(
        f"✓ Wrote {out}: {count} agent{'s' if count != 1 else ''} ({', '.join(sorted(ids))})",
        soft_wrap=True,
        highlight=False,
    )
