"""The persistence backend the settings ask for, and its lifecycle.

``memory`` keeps everything in the process; ``sqlite`` and ``postgres`` go through the
SQLAlchemy adapter, imported only when chosen so a missing extra names its install line.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from types import ModuleType
from typing import Any

from pydantic import ValidationError

from agent_gateway.composition.extras import import_adapter, require_installed
from agent_gateway.settings import PersistenceSettings
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.in_memory import InMemoryPersistence
from agent_gateway_core.ports.persistence.backend import PersistenceBackend
from agent_gateway_core.ports.secret_box import SecretBox

SQL_ADAPTER = "agent_gateway_sqlalchemy"

# (adapter, driver, feature, extra) of each SQL backend: the adapter is imported when chosen;
# the driver is loaded by the adapter when it first needs it, so only its presence is checked.
SQL_BACKENDS: dict[str, tuple[str, str, str, str]] = {
    "sqlite": (SQL_ADAPTER, "aiosqlite", "SQLite persistence", "sqlite"),
    "postgres": (SQL_ADAPTER, "asyncpg", "PostgreSQL persistence", "postgres"),
}


def persistence_from_settings(config: Mapping[str, Any]) -> PersistenceSettings:
    """gateway.yaml's ``persistence`` (already validated with the rest of the file)."""
    return PersistenceSettings.model_validate(config)


def persistence_from_code(options: Mapping[str, Any]) -> PersistenceSettings:
    """What ``use_sqlite`` / ``use_postgres`` / ``use_persistence(None)`` chose."""
    try:
        return PersistenceSettings.model_validate(options)
    except ValidationError as exc:
        problems = "; ".join(error["msg"] for error in exc.errors())
        raise ConfigError(f"persistence configured in code: {problems}") from exc


def memory_backend(secret_box: SecretBox) -> PersistenceBackend:
    return InMemoryPersistence(secret_box=secret_box)


def sql_backend(
    adapter: ModuleType, settings: PersistenceSettings, secret_box: SecretBox
) -> PersistenceBackend:
    """The SQLAlchemy adapter on SQLite or PostgreSQL (it creates a SQLite file's folder).

    ``adapter`` comes first: a missing extra is the first thing to tell, before the key."""
    backend: PersistenceBackend = adapter.SqlAlchemyPersistence.from_settings(
        adapter_settings(settings), secret_box=secret_box
    )
    return backend


async def open_persistence(backend: PersistenceBackend) -> AsyncIterator[PersistenceBackend]:
    """The backend initialized (schema checked or migrated), closed at shutdown."""
    await backend.initialize()
    try:
        yield backend
    finally:
        await backend.aclose()


def import_sql_adapter(backend: str) -> ModuleType:
    """The SQLAlchemy adapter, after checking the backend's driver is installed as well (the
    adapter imports it lazily, and a missing one must name the extra, not fail on first use)."""
    adapter, driver, feature, extra = SQL_BACKENDS[backend]
    module = import_adapter(adapter, feature=feature, extra=extra)
    require_installed(driver, feature=feature, extra=extra)
    return module


def adapter_settings(settings: PersistenceSettings) -> dict[str, Any]:
    """The mapping ``SqlAlchemyPersistence.from_settings`` reads, defaults resolved."""
    mapping: dict[str, Any] = {
        "backend": settings.backend,
        "table_prefix": settings.table_prefix,
        "migrate": settings.migrate_mode,
        "connect_timeout_seconds": settings.connect_timeout_seconds,
        "statement_timeout_seconds": settings.statement_timeout_seconds,
    }
    if settings.backend == "sqlite":
        database = settings.sqlite_file
        mapping["path"] = str(database) if database is not None else settings.path
    else:
        mapping.update(
            url=settings.url,
            schema=settings.schema_,
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
        )
    return mapping
