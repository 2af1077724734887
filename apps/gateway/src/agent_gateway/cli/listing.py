"""Print a list of records as a rich table or as JSON; shared by the listing commands."""

from collections.abc import Mapping, Sequence
from typing import Any

from rich.table import Table

from agent_gateway.cli.console import print_json, stdout
from agent_gateway.cli.options import OutputFormat


def show_rows(rows: Sequence[Mapping[str, Any]], *, title: str, output: OutputFormat) -> None:
    """JSON prints ``rows`` as given; the table has one column per key of the first row."""
    if output is OutputFormat.JSON:
        print_json(list(rows))
        return
    if not rows:
        stdout().print(f"No {title.lower()} in the workspace.")
        return
    table = Table(title=title, title_justify="left")
    for key in rows[0]:
        table.add_column(key.replace("_", " ").capitalize(), overflow="fold")
    for row in rows:
        table.add_row(*(_cell(value) for value in row.values()))
    stdout().print(table)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)
