"""SqlAlchemyPersistence passes the whole PersistenceBackend contract on every database it supports."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from agent_gateway_core.in_memory.secret_box import HmacSecretBox
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_sqlalchemy.migrations import upgrade
from agent_gateway_testing.contracts import PersistenceBackendContract

from .conftest import PostgresTarget, migrated_schema, postgres_backend, run_in_thread

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file at head, copied for each test: cheaper than migrating every time."""
    path = tmp_path_factory.mktemp("template") / "gateway.db"
    run_in_thread(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


class TestSqliteFile(PersistenceBackendContract):
    @pytest.fixture
    async def persistence(
        self, tmp_path: Path, sqlite_template: Path, secret_box: HmacSecretBox
    ) -> AsyncIterator[SqlAlchemyPersistence]:
        path = tmp_path / "gateway.db"
        shutil.copyfile(sqlite_template, path)
        backend = SqlAlchemyPersistence(f"sqlite+aiosqlite:///{path}", secret_box=secret_box)
        await backend.initialize()
        yield backend
        await backend.aclose()


class TestSqliteInMemory(PersistenceBackendContract):
    @pytest.fixture
    async def persistence(self, secret_box: HmacSecretBox) -> AsyncIterator[SqlAlchemyPersistence]:
        backend = SqlAlchemyPersistence("sqlite+aiosqlite:///:memory:", secret_box=secret_box)
        await backend.initialize()
        yield backend
        await backend.aclose()


@pytest.fixture(scope="module")
def postgres_target() -> Iterator[PostgresTarget]:
    with migrated_schema() as target:
        yield target


@pytest.fixture(scope="module")
def prefixed_postgres_target() -> Iterator[PostgresTarget]:
    with migrated_schema(table_prefix="agw_") as target:
        yield target


class TestPostgres(PersistenceBackendContract):
    @pytest.fixture
    async def persistence(
        self, postgres_target: PostgresTarget, secret_box: HmacSecretBox
    ) -> AsyncIterator[SqlAlchemyPersistence]:
        backend = await postgres_backend(postgres_target, secret_box)
        yield backend
        await backend.aclose()


class TestPostgresWithTablePrefix(PersistenceBackendContract):
    @pytest.fixture
    async def persistence(
        self, prefixed_postgres_target: PostgresTarget, secret_box: HmacSecretBox
    ) -> AsyncIterator[SqlAlchemyPersistence]:
        backend = await postgres_backend(prefixed_postgres_target, secret_box)
        yield backend
        await backend.aclose()
