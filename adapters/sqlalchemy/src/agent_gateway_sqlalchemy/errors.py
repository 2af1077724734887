"""Errors of this adapter, and the one place driver errors become core errors.

Everything a store call can hit is mapped at the boundary (``raise ... from exc``)::

    connection refused, server gone, pool or statement timeout,
    database locked, missing tables, a SQLite file that cannot
    be opened or written, any other driver fault               -> BackendUnavailableError
    unique constraint violated                                 -> DuplicateError
    schema behind (or ahead of) the code's migrations          -> SchemaOutOfDateError (ConfigError)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from agent_gateway_core.errors import BackendUnavailableError, ConfigError, DuplicateError

UPGRADE_COMMAND = "agents-gateway db upgrade"


class SchemaOutOfDateError(ConfigError):
    """The database schema is not at the revision this code needs; the message says what to do."""

    code = "schema_out_of_date"

    def __init__(self, database: str, current: str | None, head: str, *, known: bool) -> None:
        self.current = current
        self.head = head
        if known:
            advice = f"run `{UPGRADE_COMMAND}` (or set persistence migrate: upgrade)"
        else:
            advice = "it was migrated by a newer release; upgrade agent-gateway-sqlalchemy"
        super().__init__(
            f"the schema of {database} is out of date: current revision "
            f"{current or 'none (empty database)'}, head {head}; {advice}"
        )


PUBLIC_NAME = "the database"
"""What a client may be told is down (the message itself names the server, for the log)."""


def describe(exc: BaseException) -> str:
    """A one-line cause: the driver's own error when SQLAlchemy wrapped one."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {text[0]}" if text else type(cause).__name__


@contextmanager
def translated_errors(database: str) -> Iterator[None]:
    """Re-raise driver and connection errors as core errors naming ``database``."""
    try:
        yield
    except (IntegrityError, sqlite3.IntegrityError) as exc:
        raise DuplicateError(f"{database} already holds this record: {describe(exc)}") from exc
    except (SQLAlchemyError, sqlite3.Error, OSError, TimeoutError) as exc:
        raise BackendUnavailableError(
            f"{database} is unavailable: {describe(exc)}", backend=PUBLIC_NAME
        ) from exc
