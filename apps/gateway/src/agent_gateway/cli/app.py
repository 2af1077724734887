"""The ``agents-gateway`` typer app: one command per module, registered here.

Command modules import heavy things (the Gateway, FastAPI, litellm) inside their functions,
so building this app — and ``--help`` — stays fast.
"""

import typer

from agent_gateway.cli.catalog import agents, skills, tools
from agent_gateway.cli.chat import chat
from agent_gateway.cli.check import check
from agent_gateway.cli.codegen import codegen
from agent_gateway.cli.db import db
from agent_gateway.cli.executions import executions
from agent_gateway.cli.exit_codes import EXIT_CODES_HELP
from agent_gateway.cli.init_project import init
from agent_gateway.cli.invoke import invoke
from agent_gateway.cli.schedules import schedules
from agent_gateway.cli.serve import serve
from agent_gateway.cli.user_errors import UserErrorsGroup
from agent_gateway.cli.version import version

app = typer.Typer(
    name="agents-gateway",
    cls=UserErrorsGroup,
    help=(
        "Serve, check and try LLM agents defined as markdown files in a workspace.\n\n"
        "Commands that take `--workspace` default to `$AGENT_GATEWAY_WORKSPACE`, else "
        "`./workspace`. `invoke`, `chat`, `agents`, `skills`, `tools` and `schedules` talk "
        "to a running gateway instead when given `--url` or `--profile` (the client SDK: "
        "`pip install 'agents-gateway[client]'`); `executions` and `codegen` always do.\n\n"
        + EXIT_CODES_HELP
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_show_locals=False,
)

_PROJECT = "Project"
_RUN = "Run"
_INSPECT = "Inspect"
_REMOTE = "Running gateway"

app.command(rich_help_panel=_PROJECT)(init)
app.command(rich_help_panel=_PROJECT)(check)
app.command(rich_help_panel=_RUN)(serve)
app.command(rich_help_panel=_RUN, epilog=EXIT_CODES_HELP)(invoke)
app.command(rich_help_panel=_RUN, epilog=EXIT_CODES_HELP)(chat)
app.command(rich_help_panel=_INSPECT, epilog=EXIT_CODES_HELP)(agents)
app.command(rich_help_panel=_INSPECT, epilog=EXIT_CODES_HELP)(skills)
app.command(rich_help_panel=_INSPECT, epilog=EXIT_CODES_HELP)(tools)
app.command(rich_help_panel=_INSPECT, epilog=EXIT_CODES_HELP)(schedules)
app.command(rich_help_panel=_INSPECT)(version)
app.add_typer(db, rich_help_panel=_PROJECT)
# Groups, not commands: ``executions`` has subcommands, and ``codegen`` is a group run
# without one (see agent_gateway.cli.codegen).
app.add_typer(executions, rich_help_panel=_REMOTE)
app.add_typer(codegen, rich_help_panel=_REMOTE)


def main() -> None:
    """Entry point of the ``agents-gateway`` script."""
    app()
