"""Which store a gateway runs on: SQLite by default, memory on request, PostgreSQL with its
options, from gateway.yaml, environment variables or the fluent methods; bad settings named."""

from __future__ import annotations

import logging
import stat
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from agent_gateway import Gateway
from agent_gateway.settings import PersistenceSettings
from agent_gateway_core.domain.user_config import UserAgentConfig
from agent_gateway_core.errors import ConfigError, SecretKeyMissingError, WorkspaceError
from agent_gateway_core.testing import InMemoryPersistence
from agent_gateway_sqlalchemy import SqlAlchemyPersistence

from .conftest import POSTGRES_URL, WriteWorkspace, plain_postgres_url, postgres_yaml

pytestmark = pytest.mark.integration

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's working directory: where the default database goes."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def files_in(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def test_the_defaults_are_an_upgrading_sqlite_file_and_a_checked_postgres() -> None:
    sqlite = PersistenceSettings()
    postgres = PersistenceSettings(backend="postgres", url=POSTGRES_URL)
    assert (sqlite.backend, sqlite.path, sqlite.migrate_mode) == (
        "sqlite",
        ".agent-gateway/gateway.db",
        "upgrade",
    )
    assert postgres.migrate_mode == "check"
    upgrading = PersistenceSettings(backend="postgres", url=POSTGRES_URL, migrate="upgrade")
    assert upgrading.migrate_mode == "upgrade"
    assert (postgres.pool_size, postgres.max_overflow, postgres.table_prefix) == (10, 20, "")


async def test_a_gateway_with_no_persistence_settings_keeps_its_data_in_a_sqlite_file(
    write_workspace: WriteWorkspace, cwd: Path
) -> None:
    workspace = write_workspace()
    async with Gateway(workspace=workspace) as gw:
        assert isinstance(gw.services.persistence, SqlAlchemyPersistence)  # type: ignore[union-attr]
        result = await gw.invoke("assistant", "Remember this")

    folder = cwd / ".agent-gateway"
    assert (folder / "gateway.db").is_file()
    assert stat.S_IMODE((folder / "secret.key").stat().st_mode) == 0o600
    async with Gateway(workspace=workspace) as gw:
        assert gw.services is not None
        record = await gw.services.persistence.executions.get(result.execution_id)
    assert record is not None
    assert record.message == "Remember this"


@pytest.mark.parametrize(
    "configure",
    [
        pytest.param(lambda gw: gw.use_persistence(None), id="use_persistence(None)"),
        pytest.param(lambda gw: gw.use_sqlite(":memory:"), id="use_sqlite(:memory:)"),
    ],
)
async def test_nothing_durable_writes_no_file(
    write_workspace: WriteWorkspace, cwd: Path, configure: object
) -> None:
    gw = Gateway(workspace=write_workspace())
    configure(gw)  # type: ignore[operator]
    async with gw:
        result = await gw.invoke("assistant", "Hello")
        assert gw.services is not None
        assert await gw.services.persistence.executions.get(result.execution_id) is not None
    assert files_in(cwd) == []


async def test_memory_from_gateway_yaml_writes_no_file(
    write_workspace: WriteWorkspace, cwd: Path
) -> None:
    async with Gateway(workspace=write_workspace("persistence:\n  backend: memory\n")) as gw:
        assert isinstance(gw.services.persistence, InMemoryPersistence)  # type: ignore[union-attr]
    assert files_in(cwd) == []


async def test_use_sqlite_with_a_relative_path_creates_it_under_the_working_directory(
    write_workspace: WriteWorkspace, cwd: Path
) -> None:
    gw = Gateway(workspace=write_workspace("persistence:\n  backend: memory\n"))
    async with gw.use_sqlite("state/app.db"):  # code wins over gateway.yaml
        assert isinstance(gw.services.persistence, SqlAlchemyPersistence)  # type: ignore[union-attr]
    assert (cwd / "state" / "app.db").is_file()
    assert (cwd / "state" / "secret.key").is_file()


async def test_an_environment_variable_moves_the_sqlite_file(
    write_workspace: WriteWorkspace, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_PERSISTENCE__PATH", str(cwd / "from-env.db"))
    async with Gateway(workspace=write_workspace("persistence:\n  path: from-file.db\n")):
        pass
    assert (cwd / "from-env.db").is_file()
    assert not (cwd / "from-file.db").exists()


async def test_use_postgres_checks_the_schema_and_keeps_pool_schema_and_prefix(
    write_workspace: WriteWorkspace, pg_schema: str
) -> None:
    workspace = write_workspace(postgres_yaml(pg_schema) + "  table_prefix: gw_\n")
    async with Gateway(workspace=workspace):  # migrate: upgrade creates the schema and tables
        pass
    gw = Gateway(workspace=write_workspace()).use_postgres(
        POSTGRES_URL, schema=pg_schema, table_prefix="gw_", pool_size=3, max_overflow=4
    )
    async with gw:  # the default for PostgreSQL, migrate: check, passes
        backend = gw.services.persistence  # type: ignore[union-attr]
        assert isinstance(backend, SqlAlchemyPersistence)
        settings = backend.settings
        assert (settings.schema, settings.table_prefix) == (pg_schema, "gw_")
        assert (settings.pool_size, settings.max_overflow, settings.migrate) == (3, 4, "check")

    connection = await asyncpg.connect(plain_postgres_url())
    try:
        tables = {
            row[0]
            for row in await connection.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
                pg_schema,
            )
        }
    finally:
        await connection.close()
    assert {"gw_executions", "gw_conversations", "gw_alembic_version"} <= tables


async def test_postgres_without_the_secret_key_starts_and_refuses_only_to_store_a_secret(
    write_workspace: WriteWorkspace,
    pg_schema: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("AGENT_GATEWAY_SECRET_KEY")
    gw = Gateway(workspace=write_workspace(postgres_yaml(pg_schema)))
    with caplog.at_level(logging.WARNING, logger="agent_gateway"):
        async with gw:
            assert gw.started
            assert (await gw.invoke("assistant", "hi")).execution_id
            config = UserAgentConfig(
                user_id="u1", agent_id="assistant", secrets={"token": "t0p"}, updated_at=NOW
            )
            with pytest.raises(SecretKeyMissingError, match="AGENT_GATEWAY_SECRET_KEY") as caught:
                await gw.services.persistence.user_configs.save(config)
            assert "Fernet.generate_key()" in str(caught.value)
            await gw.services.persistence.user_configs.save(
                config.model_copy(update={"secrets": {}})
            )
    assert any("AGENT_GATEWAY_SECRET_KEY is not set" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("section", "field", "message"),
    [
        ("persistence:\n  backend: postgres\n", "persistence", "needs url"),
        (
            "persistence:\n  backend: postgres\n  url: postgresql://app:hunter2@db.test/a\n",
            "persistence",
            "asyncpg DSN",
        ),
        ("persistence:\n  backend: mysql\n", "persistence.backend", "'sqlite'"),
        ("persistence:\n  pathh: x.db\n", "persistence.pathh", "did you mean 'path'?"),
        ("persistence:\n  migrate: always\n", "persistence.migrate", "'check' or 'upgrade'"),
        ("persistence:\n  pool_size: 0\n", "persistence.pool_size", "greater than or equal to 1"),
    ],
    ids=["no url", "not asyncpg", "unknown backend", "unknown key", "bad migrate", "pool 0"],
)
async def test_a_bad_persistence_section_stops_startup_naming_the_field(
    write_workspace: WriteWorkspace, section: str, field: str, message: str
) -> None:
    with pytest.raises(WorkspaceError) as caught:
        await Gateway(workspace=write_workspace(section)).startup()
    [problem] = caught.value.problems
    assert (problem.path, problem.field) == ("gateway.yaml", field)
    assert message in problem.message
    assert "hunter2" not in str(caught.value)


async def test_a_bad_table_prefix_is_refused_by_the_adapter_naming_it(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    section = f"persistence:\n  path: {tmp_path / 'x.db'}\n  table_prefix: Bad-Prefix\n"
    with pytest.raises(ConfigError, match="table_prefix 'Bad-Prefix'"):
        await Gateway(workspace=write_workspace(section)).startup()


async def test_use_postgres_refuses_a_url_that_is_not_asyncpg() -> None:
    with pytest.raises(ConfigError, match=r"postgresql\+asyncpg://") as caught:
        Gateway().use_postgres("postgresql://app:hunter2@db.test/agents")
    assert "hunter2" not in str(caught.value)


# ---------------------------------------------------------------- the existing product's keys


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({"enabled": False}, {"backend": "memory"}),
        ({"enabled": False, "backend": "sqlite"}, {"backend": "memory"}),
        (
            {"enabled": True, "backend": "sqlite", "url": "sqlite+aiosqlite:///myproj.db"},
            {"backend": "sqlite", "path": "myproj.db"},
        ),
        (
            {"url": "sqlite:////var/lib/agents/app.db"},
            {"backend": "sqlite", "path": "/var/lib/agents/app.db"},
        ),
        ({"url": "sqlite+aiosqlite:///:memory:"}, {"backend": "sqlite", "path": ":memory:"}),
        # An override of the backend (AGENT_GATEWAY_PERSISTENCE__BACKEND=memory) wins.
        ({"url": "sqlite:///a.db", "backend": "memory"}, {"backend": "memory"}),
        (
            {"url": "postgresql+asyncpg://u:p@db/agents", "db_schema": "agents"},
            {"backend": "postgres", "schema_": "agents"},
        ),
    ],
    ids=[
        "disabled",
        "disabled-sqlite",
        "sqlite-url",
        "sqlite-absolute",
        "sqlite-memory",
        "memory-wins",
        "postgres",
    ],
)
def test_the_existing_products_persistence_keys_mean_what_they_mean_there(
    section: dict[str, object], expected: dict[str, object]
) -> None:
    settings = PersistenceSettings.model_validate(section)
    assert {key: getattr(settings, key) for key in expected} == expected


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"schema": "a", "db_schema": "b"}, "schema and db_schema"),
        ({"url": "sqlite:///a.db", "path": "b.db"}, "path or url, not both"),
        ({"url": "sqlite:///a.db", "backend": "postgres"}, "cannot serve backend: postgres"),
        ({"url": "sqlite+aiosqlite:///"}, "names no file"),
        ({"enabled": "no"}, "enabled must be true or false"),
    ],
)
def test_contradictory_reference_keys_are_refused(section: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        PersistenceSettings.model_validate(section)


async def test_a_reference_sqlite_url_puts_the_database_where_it_says(
    write_workspace: WriteWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGENT_GATEWAY_PERSISTENCE__BACKEND", raising=False)
    monkeypatch.chdir(tmp_path)
    yaml = (
        "persistence:\n  enabled: true\n  backend: sqlite\n  url: sqlite+aiosqlite:///myproj.db\n"
    )
    async with Gateway(workspace=write_workspace(yaml), auth=False) as gw:
        assert isinstance(gw.services and gw.services.persistence, SqlAlchemyPersistence)
    assert (tmp_path / "myproj.db").is_file()
