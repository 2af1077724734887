"""Where the CLI writes: results to stdout, errors and progress to stderr.

Consoles are made per call, so they follow whatever ``sys.stdout`` is at that moment (a
terminal, a pipe, a test runner) and colour only a terminal.
"""

import json
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape


def stdout() -> Console:
    return Console(highlight=False)


def stderr() -> Console:
    return Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    """Indented JSON on stdout, plain (no colour, no wrapping) so scripts can parse it."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def fail(message: str, *, code: int = 1) -> NoReturn:
    """Print ``Error: message`` on stderr (never wrapped: a long line stays one line) and exit
    with ``code``."""
    stderr().print(f"[bold red]Error:[/bold red] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)
