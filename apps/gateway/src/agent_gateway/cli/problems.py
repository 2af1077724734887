"""Show workspace problems: one row per problem with its file, its field and what is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.table import Table

if TYPE_CHECKING:
    from rich.console import Console

    from agent_gateway.settings_notes import SettingNote
    from agent_gateway_core.errors import WorkspaceProblem


def problems_table(problems: Sequence[WorkspaceProblem], *, title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("File", style="cyan", overflow="fold")
    table.add_column("Field", style="magenta", overflow="fold")
    table.add_column("Problem", overflow="fold")
    for problem in problems:
        table.add_row(problem.path, problem.field or "", problem.message)
    return table


def print_problems(console: Console, problems: Sequence[WorkspaceProblem]) -> None:
    count = len(problems)
    title = f"{count} problem{'s' if count != 1 else ''} in the workspace"
    console.print(problems_table(problems, title=title))


def problems_as_json(problems: Sequence[WorkspaceProblem]) -> list[dict[str, Any]]:
    return [{"file": p.path, "field": p.field, "message": p.message} for p in problems]


_NOTE_KINDS = {"alias": "alias, in effect", "not_in_effect": "[yellow]not in effect[/yellow]"}


def print_notes(console: Console, notes: Sequence[SettingNote]) -> None:
    """Settings accepted with a note: a warning per key, with what became of it."""
    count = len(notes)
    table = Table(
        title=f"[yellow]![/yellow] {count} setting{'s' if count != 1 else ''} accepted with a note",
        title_justify="left",
    )
    table.add_column("File", style="cyan", overflow="fold")
    table.add_column("Field", style="magenta", overflow="fold")
    table.add_column("Status", overflow="fold")
    table.add_column("Note", overflow="fold")
    for note in notes:
        table.add_row(note.path, note.field, _NOTE_KINDS[note.kind], note.message)
    console.print(table)


def notes_as_json(notes: Sequence[SettingNote]) -> list[dict[str, Any]]:
    return [
        {"file": n.path, "field": n.field, "status": n.kind, "message": n.message} for n in notes
    ]
