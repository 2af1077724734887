"""Options several commands share: where the workspace is and how to print results."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

WORKSPACE_ENV = "AGENT_GATEWAY_WORKSPACE"
DEFAULT_WORKSPACE = Path("workspace")


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace",
        "-w",
        envvar=WORKSPACE_ENV,
        help=f"Workspace directory. Defaults to ${WORKSPACE_ENV}, else ./workspace.",
        show_default=False,
        file_okay=False,
    ),
]

FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table for people, json for scripts."),
]
