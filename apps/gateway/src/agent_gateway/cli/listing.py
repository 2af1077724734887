"""Print records as a rich table or as JSON; shared by the listing commands."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from rich.table import Table

from agent_gateway.cli.console import print_json, stdout
from agent_gateway.cli.options import OutputFormat

if TYPE_CHECKING:
    from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound="BaseModel")

_IN_THE_WORKSPACE = "in the workspace"


def show_rows(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    output: OutputFormat,
    where: str = _IN_THE_WORKSPACE,
) -> None:
    """JSON prints ``rows`` as given; the table has one column per key of the first row.
    An empty table is the line ``No <title> <where>.``"""
    if output is OutputFormat.JSON:
        print_json(list(rows))
        return
    if not rows:
        stdout().print(f"No {title.lower()} {where}.")
        return
    table = Table(title=title, title_justify="left")
    for key in rows[0]:
        table.add_column(key.replace("_", " ").capitalize(), overflow="fold")
    for row in rows:
        table.add_row(*(_cell(value) for value in row.values()))
    stdout().print(table)


def show_models(
    items: Sequence[ModelT],
    row: Callable[[ModelT], Mapping[str, Any]],
    *,
    title: str,
    output: OutputFormat,
    where: str,
    footer: str | None = None,
) -> None:
    """Answers of a gateway: JSON prints each model whole (as the gateway sent it), the
    table the columns ``row`` picks; ``footer`` is printed under the table."""
    if output is OutputFormat.JSON:
        print_json([item.model_dump(mode="json") for item in items])
        return
    show_rows([row(item) for item in items], title=title, output=output, where=where)
    if footer and items:
        stdout().print(footer, style="dim")


def show_record(
    model: BaseModel, fields: Mapping[str, Any], *, title: str, output: OutputFormat
) -> None:
    """One answer of a gateway: JSON prints the model whole, the table one row per field of
    ``fields`` (empty ones left out)."""
    if output is OutputFormat.JSON:
        print_json(model.model_dump(mode="json"))
        return
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("Field", style="bold")
    table.add_column("Value", overflow="fold")
    for name, value in fields.items():
        if value is not None and value != "" and value != []:
            table.add_row(name, _cell(value))
    stdout().print(table)


def _cell(value: Any) -> str:
    from datetime import datetime

    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        import json

        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else str(value)
