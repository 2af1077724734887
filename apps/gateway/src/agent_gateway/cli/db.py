"""``agents-gateway db``: migrate the database the workspace's ``persistence`` settings name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from agent_gateway.cli.console import stdout
from agent_gateway.cli.options import DEFAULT_WORKSPACE, WorkspaceOption

if TYPE_CHECKING:
    from pathlib import Path

db = typer.Typer(
    name="db",
    help=(
        "Migrate the database of the workspace's `persistence` settings (gateway.yaml with "
        "`AGENT_GATEWAY_PERSISTENCE__*` overrides).\n\n"
        "SQLite is upgraded automatically at startup; PostgreSQL is only checked, so run "
        "`agents-gateway db upgrade` when a new version brings a migration."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


@dataclass(frozen=True)
class MigrationTarget:
    """The database to migrate, as the adapter's migration helpers take it."""

    url: str
    display_url: str
    schema: str | None
    table_prefix: str


@db.command()
def upgrade(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    revision: Annotated[
        str, typer.Option("--revision", "-r", help="Revision to upgrade to.")
    ] = "head",
) -> None:
    """Upgrade the database schema (to the newest revision unless `--revision` says).

    Creates the tables of an empty database; safe to run when it is already up to date. A
    database configured in code (`use_postgres(...)`) is reached with the same settings as
    environment variables, e.g. `AGENT_GATEWAY_PERSISTENCE__BACKEND=postgres` and
    `AGENT_GATEWAY_PERSISTENCE__URL=postgresql+asyncpg://...`.

    **Examples**

        agents-gateway db upgrade
        agents-gateway db upgrade --workspace ./my-project/workspace
    """
    import asyncio

    from agent_gateway_sqlalchemy import migrations

    target = _target_or_exit(workspace)
    asyncio.run(
        migrations.upgrade(
            target.url, schema=target.schema, table_prefix=target.table_prefix, revision=revision
        )
    )
    now = asyncio.run(_current(target))
    stdout().print(f"[green]✓[/green] {target.display_url}: at revision {now}")


@db.command()
def downgrade(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    revision: Annotated[
        str,
        typer.Option(
            "--revision", "-r", help="Revision to go back to: `-1` is one step, `base` is empty."
        ),
    ] = "-1",
) -> None:
    """Downgrade the database schema, one revision unless `--revision` says.

    Data in the tables or columns a downgrade drops is lost: back the database up first.

    **Examples**

        agents-gateway db downgrade
        agents-gateway db downgrade --revision base
    """
    import asyncio

    from agent_gateway_sqlalchemy import migrations

    target = _target_or_exit(workspace)
    asyncio.run(
        migrations.downgrade(
            target.url, schema=target.schema, table_prefix=target.table_prefix, revision=revision
        )
    )
    now = asyncio.run(_current(target))
    stdout().print(f"[green]✓[/green] {target.display_url}: at revision {now}")


@db.command()
def current(workspace: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    """Show the database's schema revision and whether it is behind the installed version.

    **Examples**

        agents-gateway db current
        agents-gateway db current --workspace ./my-project/workspace
    """
    import asyncio

    from agent_gateway_sqlalchemy import migrations

    target = _target_or_exit(workspace)
    now = asyncio.run(_current(target))
    head = asyncio.run(migrations.head())
    if now == head:
        stdout().print(f"{target.display_url}: at revision {now} (up to date)")
    else:
        stdout().print(
            f"{target.display_url}: at revision {now}, behind {head}; "
            "run `agents-gateway db upgrade`"
        )


async def _current(target: MigrationTarget) -> str:
    from agent_gateway_sqlalchemy import migrations

    revision = await migrations.current(
        target.url, schema=target.schema, table_prefix=target.table_prefix
    )
    return revision or "none (empty database)"


def _target_or_exit(workspace: Path) -> MigrationTarget:
    """The database of the workspace's settings; exits 0 when nothing is stored in one."""
    from agent_gateway.cli.gateway_settings import load_gateway_settings
    from agent_gateway.composition.persistence import adapter_settings, import_sql_adapter

    persistence = load_gateway_settings(workspace).persistence
    if persistence.backend == "memory":
        stdout().print(f"nothing to migrate: the persistence backend is {persistence.backend!r}")
        raise typer.Exit(0)
    database = persistence.sqlite_file
    if persistence.backend == "sqlite" and database is None:
        stdout().print("nothing to migrate: the SQLite database is ':memory:'")
        raise typer.Exit(0)
    adapter = import_sql_adapter(persistence.backend)
    settings = adapter.PersistenceSettings.from_mapping(adapter_settings(persistence))
    return MigrationTarget(
        url=settings.url,
        display_url=settings.display_url,
        schema=persistence.schema_,
        table_prefix=persistence.table_prefix,
    )
