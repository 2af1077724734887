"""PersistenceSettings: config mappings, URL normalisation and every invalid option."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from agent_gateway_core.errors import ConfigError, MissingExtraError
from agent_gateway_sqlalchemy import PersistenceSettings, SqlAlchemyPersistence
from agent_gateway_sqlalchemy.migrations import upgrade
from agent_gateway_sqlalchemy.settings import display_url

pytestmark = pytest.mark.unit


def test_from_mapping_defaults_to_a_sqlite_file_and_ignores_none_values() -> None:
    settings = PersistenceSettings.from_mapping({"backend": "sqlite", "url": None, "schema": None})
    assert settings.url == "sqlite+aiosqlite:///agent_gateway.db"
    assert (settings.dialect, settings.in_memory, settings.migrate) == ("sqlite", False, "check")


def test_from_mapping_reads_every_option() -> None:
    settings = PersistenceSettings.from_mapping(
        {
            "backend": "postgres",
            "url": "postgresql://app:pw@db.internal:5433/gateway",
            "schema": "agents",
            "table_prefix": "agw_",
            "pool_size": 3,
            "max_overflow": 0,
            "migrate": "upgrade",
            "connect_timeout_seconds": 2,
            "statement_timeout_seconds": 30,
        }
    )
    assert settings == PersistenceSettings(
        url="postgresql+asyncpg://app:pw@db.internal:5433/gateway",
        schema="agents",
        table_prefix="agw_",
        pool_size=3,
        max_overflow=0,
        migrate="upgrade",
        connect_timeout_seconds=2,
        statement_timeout_seconds=30,
    )
    assert settings.display_url == "postgresql+asyncpg://app:***@db.internal:5433/gateway"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("sqlite:///data/gw.db", "sqlite+aiosqlite:///data/gw.db"),
        ("sqlite+aiosqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_urls_are_normalised_to_the_async_drivers(raw: str, normalised: str) -> None:
    assert PersistenceSettings(url=raw).url == normalised


def test_sqlite_path_mapping_and_memory() -> None:
    memory = PersistenceSettings.from_mapping({"backend": "sqlite", "path": ":memory:"})
    assert memory.in_memory
    assert memory.display_url == "sqlite+aiosqlite:///:memory:"


@pytest.mark.parametrize(
    ("mapping", "problem"),
    [
        ({"backend": "sqlite", "pool": 3}, r"unknown persistence option\(s\) \['pool'\]"),
        ({"backend": "mysql"}, "'sqlite' or 'postgres', not 'mysql'"),
        ({"backend": "postgres"}, "'postgres' needs a url"),
        ({"url": "mysql+aiomysql://u@h/db"}, "scheme 'mysql\\+aiomysql' is not supported"),
        ({"url": "not a url"}, "not a database URL"),
        ({"url": ""}, "non-empty string"),
        ({"url": "sqlite:///x.db", "schema": "agents"}, "PostgreSQL only"),
        ({"url": "postgresql://u@h/db", "schema": "1bad"}, "schema '1bad' is not a valid name"),
        ({"backend": "sqlite", "table_prefix": "Bad-"}, "table_prefix 'Bad-' is not valid"),
        ({"backend": "sqlite", "table_prefix": "p" * 17}, "at most 16"),
        ({"backend": "sqlite", "migrate": "auto"}, "'check' or 'upgrade', not 'auto'"),
        ({"backend": "sqlite", "pool_size": 0}, "pool_size must be positive"),
        ({"backend": "sqlite", "max_overflow": -1}, "max_overflow must be >= 0"),
        ({"backend": "sqlite", "connect_timeout_seconds": 0}, "connect_timeout_seconds"),
        ({"backend": "sqlite", "pool_size": [1]}, "invalid persistence settings"),
        ({"backend": "sqlite", "sqlite_synchronous": "off"}, "'normal' or 'full', not 'off'"),
    ],
)
def test_invalid_settings_raise_config_error_naming_the_problem(
    mapping: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ConfigError, match=problem):
        PersistenceSettings.from_mapping(mapping)


def test_a_password_never_appears_in_an_error_about_the_url() -> None:
    with pytest.raises(ConfigError) as raised:
        PersistenceSettings(url="mysql://u:hunter2@h/db")
    assert "hunter2" not in str(raised.value)


def test_from_settings_builds_a_backend_without_connecting() -> None:
    backend = SqlAlchemyPersistence.from_settings(
        {"backend": "postgres", "url": "postgresql://u:pw@127.0.0.1:1/db", "table_prefix": "x_"}
    )
    assert backend.settings.table_prefix == "x_"
    assert backend.name == "PostgreSQL at postgresql+asyncpg://u:***@127.0.0.1:1/db"
    same = SqlAlchemyPersistence.from_settings(backend.settings)
    assert same.settings == backend.settings


def test_a_missing_driver_names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # makes `import asyncpg` fail
    with pytest.raises(MissingExtraError, match=r"pip install 'agents-gateway\[postgres\]'"):
        SqlAlchemyPersistence("postgresql://u@h/db")


async def test_sqlite_migration_helpers_name_the_extra_they_need(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The backend itself runs on the standard library's sqlite3 (test_sqlite_thread.py).
    monkeypatch.setitem(sys.modules, "aiosqlite", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'agents-gateway\[sqlite\]'"):
        await upgrade(f"sqlite:///{tmp_path}/x.db")


def test_from_mapping_reads_sqlite_synchronous() -> None:
    settings = PersistenceSettings.from_mapping({"backend": "sqlite", "sqlite_synchronous": "full"})
    assert settings.sqlite_synchronous == "full"
    assert PersistenceSettings(url="sqlite://").sqlite_synchronous == "normal"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+asyncpg://app:p@ss@db.test/a", "postgresql+asyncpg://app:***@db.test/a"),
        ("postgresql+asyncpg://app:p%40ss@db.test/a", "postgresql+asyncpg://app:***@db.test/a"),
        (
            "postgresql+asyncpg://app:a@b@c@db.test:5433/a?x=1",
            "postgresql+asyncpg://app:***@db.test:5433/a?x=1",
        ),
        ("postgresql+asyncpg://app@db.test/a", "postgresql+asyncpg://app@db.test/a"),
    ],
)
def test_a_url_is_shown_without_any_part_of_its_password(url: str, shown: str) -> None:
    assert display_url(url) == shown


def test_an_unescaped_at_sign_in_the_password_is_refused_saying_how_to_write_it() -> None:
    with pytest.raises(ConfigError) as refused:
        PersistenceSettings(url="postgresql+asyncpg://app:p@ss@db.test/a")
    assert "%40" in str(refused.value)
    assert "p@ss" not in str(refused.value)
    assert "ss@" not in str(refused.value)
