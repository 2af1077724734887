"""``agents-gateway init``: a new project that passes ``check`` and runs as is."""

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from agent_gateway.cli.console import fail, stdout

_PROJECT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def init(
    name: Annotated[
        str, typer.Argument(help="Project name; the project is created in a folder of this name.")
    ],
    directory: Annotated[
        Path,
        typer.Option("--dir", "-d", help="Folder to create the project in.", file_okay=False),
    ] = Path("."),
    force: Annotated[
        bool,
        typer.Option("--force", help="Write into a folder that is not empty, replacing files."),
    ] = False,
) -> None:
    """Create a project: a workspace with an agent, a skill and a file tool, and an app.

    The model defaults to the local demo model (`pip install 'agents-gateway[local]'`), so
    the project runs without an API key; gateway.yaml says how to switch to a hosted model. An existing folder that is not empty
    is left alone unless `--force` is given.

    **Examples**

        agents-gateway init my-project
        agents-gateway init my-project --dir ~/code
        agents-gateway init my-project --force
    """
    from agent_gateway.cli.scaffold import scaffold_project

    if not _PROJECT_NAME.fullmatch(name):
        raise typer.BadParameter(
            "use letters, digits, '.', '_' and '-', starting with a letter or digit",
            param_hint="NAME",
        )
    target = directory / name
    if target.exists() and not target.is_dir():
        fail(f"{target} exists and is a file")
    if target.is_dir() and any(target.iterdir()) and not force:
        fail(f"{target} already exists and is not empty; choose another name or pass --force")

    files = scaffold_project(target, name)
    console = stdout()
    console.print(f"[green]✓[/green] Created {escape(str(target))}/")
    for file in files:
        console.print(f"    {escape(str(file))}")
    console.print("\nNext steps:")
    console.print(f"    cd {escape(str(target))}")
    console.print("    agents-gateway check")
    console.print('    agents-gateway invoke assistant "What time is it in Tokyo?"')
    console.print("    agents-gateway serve")
