"""``agents-gateway db upgrade|downgrade|current``, and PostgreSQL refusing a schema behind.

CLI commands run their own event loop, so async tests call them through a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from pathlib import Path

import pytest

from agent_gateway import Gateway
from agent_gateway_core.errors import ConfigError
from agent_gateway_sqlalchemy import SchemaOutOfDateError
from agent_gateway_sqlalchemy.migrations import head

from .conftest import RunCli, WriteWorkspace, postgres_yaml

pytestmark = pytest.mark.integration


def closed_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_postgres_refuses_a_schema_behind_until_db_upgrade_brings_it_up_to_date(
    write_workspace: WriteWorkspace, pg_schema: str, run_cli: RunCli
) -> None:
    workspace = write_workspace(postgres_yaml(pg_schema, migrate=None))  # the default: check
    newest = await head()

    upgraded = await asyncio.to_thread(run_cli, "db", "upgrade", "-w", workspace)
    downgraded = await asyncio.to_thread(run_cli, "db", "downgrade", "-w", workspace)
    behind = await asyncio.to_thread(run_cli, "db", "current", "-w", workspace)
    assert upgraded.exit_code == 0, upgraded.output
    assert f"at revision {newest}" in upgraded.stdout
    assert downgraded.exit_code == 0, downgraded.output
    assert f"behind {newest}; run `agents-gateway db upgrade`" in behind.stdout

    gw = Gateway(workspace=workspace)
    with pytest.raises(SchemaOutOfDateError) as caught:
        await gw.startup()
    message = str(caught.value)
    assert "agents-gateway db upgrade" in message
    assert f"head {newest}" in message
    assert "current revision" in message
    assert isinstance(caught.value, ConfigError)
    assert not gw.started

    fixed = await asyncio.to_thread(run_cli, "db", "upgrade", "-w", workspace)
    current = await asyncio.to_thread(run_cli, "db", "current", "-w", workspace)
    assert fixed.exit_code == 0, fixed.output
    assert f"at revision {newest} (up to date)" in current.stdout
    async with gw:
        assert gw.started


async def test_a_fresh_postgres_schema_is_created_by_db_upgrade_with_env_overrides(
    write_workspace: WriteWorkspace, pg_schema: str, run_cli: RunCli
) -> None:
    # A database configured in code is reached through the same settings as env vars.
    workspace = write_workspace("persistence:\n  backend: memory\n")
    env = {
        "AGENT_GATEWAY_PERSISTENCE__BACKEND": "postgres",
        "AGENT_GATEWAY_PERSISTENCE__URL": "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        "AGENT_GATEWAY_PERSISTENCE__SCHEMA": pg_schema,
        "AGENT_GATEWAY_PERSISTENCE__TABLE_PREFIX": "ag_",
    }

    before = await asyncio.to_thread(run_cli, "db", "current", "-w", workspace, env=env)
    upgraded = await asyncio.to_thread(run_cli, "db", "upgrade", "-w", workspace, env=env)

    assert "none (empty database)" in before.stdout
    assert upgraded.exit_code == 0, upgraded.output
    assert "postgresql+asyncpg://postgres@127.0.0.1:5432/test" in upgraded.stdout
    gw = Gateway(workspace=workspace).use_postgres(
        "postgresql+asyncpg://postgres@127.0.0.1:5432/test", schema=pg_schema, table_prefix="ag_"
    )
    async with gw:  # migrate: check passes on the upgraded schema
        assert gw.started


def test_db_upgrade_creates_the_default_sqlite_file_under_the_working_directory(
    write_workspace: WriteWorkspace,
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workspace = write_workspace()
    monkeypatch.chdir(tmp_path)

    upgraded = run_cli("db", "upgrade", "-w", workspace)
    current = run_cli("db", "current", "-w", workspace)

    assert upgraded.exit_code == 0, upgraded.output
    database = tmp_path / ".agent-gateway" / "gateway.db"
    assert database.is_file()
    assert str(database) in upgraded.stdout
    assert "(up to date)" in current.stdout


def test_downgrade_to_base_empties_a_sqlite_database(
    write_workspace: WriteWorkspace, run_cli: RunCli, tmp_path: Path
) -> None:
    workspace = write_workspace(f"persistence:\n  path: {tmp_path / 'db' / 'gateway.db'}\n")
    assert run_cli("db", "upgrade", "-w", workspace).exit_code == 0

    downgraded = run_cli("db", "downgrade", "--revision", "base", "-w", workspace)

    assert downgraded.exit_code == 0, downgraded.output
    assert "at revision none (empty database)" in downgraded.stdout


@pytest.mark.parametrize(
    ("section", "said"),
    [
        ("persistence:\n  backend: memory\n", "the persistence backend is 'memory'"),
        ("persistence:\n  backend: none\n", "the persistence backend is 'memory'"),
        ("persistence:\n  path: ':memory:'\n", "the SQLite database is ':memory:'"),
    ],
    ids=["memory", "none", "sqlite :memory:"],
)
@pytest.mark.parametrize("command", ["upgrade", "downgrade", "current"])
def test_nothing_to_migrate_without_a_database(
    write_workspace: WriteWorkspace, run_cli: RunCli, section: str, said: str, command: str
) -> None:
    result = run_cli("db", command, "-w", write_workspace(section))
    assert result.exit_code == 0, result.output
    assert f"nothing to migrate: {said}" in result.stdout


def test_an_unreachable_database_exits_1_with_the_cause(
    write_workspace: WriteWorkspace, run_cli: RunCli
) -> None:
    port = closed_port()
    url = f"postgresql+asyncpg://app:hunter2@127.0.0.1:{port}/agents"
    result = run_cli("db", "upgrade", "-w", write_workspace(postgres_yaml("s", url)))

    assert result.exit_code == 1
    assert "Error:" in result.stderr
    assert f"127.0.0.1:{port}" in result.stderr
    assert "unavailable" in result.stderr
    assert "hunter2" not in result.output
    assert "Traceback" not in result.output


def test_an_unknown_revision_exits_1_naming_it(
    write_workspace: WriteWorkspace, run_cli: RunCli, tmp_path: Path
) -> None:
    workspace = write_workspace(f"persistence:\n  path: {tmp_path / 'gateway.db'}\n")
    result = run_cli("db", "upgrade", "--revision", "nope", "-w", workspace)
    assert result.exit_code == 1
    assert "'nope'" in result.stderr


def test_a_broken_persistence_section_exits_1_naming_the_field(
    write_workspace: WriteWorkspace, run_cli: RunCli
) -> None:
    result = run_cli("db", "current", "-w", write_workspace("persistence:\n  pool_size: none\n"))
    assert result.exit_code == 1
    assert "persistence.pool_size" in result.stderr


def test_a_missing_workspace_exits_1(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("db", "current", "-w", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert f"workspace not found: {tmp_path / 'nowhere'}" in result.stderr


@pytest.mark.parametrize("command", ["upgrade", "downgrade", "current"])
def test_every_db_command_has_help_with_examples(run_cli: RunCli, command: str) -> None:
    result = run_cli("db", command, "--help")
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    assert f"agents-gateway db {command}" in result.stdout


def test_db_help_lists_its_commands(run_cli: RunCli) -> None:
    result = run_cli("db", "--help")
    assert result.exit_code == 0
    for command in ("upgrade", "downgrade", "current"):
        assert command in result.stdout
