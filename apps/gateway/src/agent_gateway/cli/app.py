"""The ``agents-gateway`` typer app: one command per module, registered here.

Command modules import heavy things (the Gateway, FastAPI, litellm) inside their functions,
so building this app — and ``--help`` — stays fast.
"""

import typer

from agent_gateway.cli.catalog import agents, skills, tools
from agent_gateway.cli.chat import chat
from agent_gateway.cli.check import check
from agent_gateway.cli.db import db
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
        "`./workspace`."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_show_locals=False,
)

_PROJECT = "Project"
_RUN = "Run"
_INSPECT = "Inspect"

app.command(rich_help_panel=_PROJECT)(init)
app.command(rich_help_panel=_PROJECT)(check)
app.command(rich_help_panel=_RUN)(serve)
app.command(rich_help_panel=_RUN)(invoke)
app.command(rich_help_panel=_RUN)(chat)
app.command(rich_help_panel=_INSPECT)(agents)
app.command(rich_help_panel=_INSPECT)(skills)
app.command(rich_help_panel=_INSPECT)(tools)
app.command(rich_help_panel=_INSPECT)(schedules)
app.command(rich_help_panel=_INSPECT)(version)
app.add_typer(db, rich_help_panel=_PROJECT)


def main() -> None:
    """Entry point of the ``agents-gateway`` script."""
    app()
