"""PersistenceSettings: where the database is and how to talk to it, validated once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal, cast

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from agent_gateway_core.errors import ConfigError

MigrateMode = Literal["check", "upgrade"]
Dialect = Literal["sqlite", "postgresql"]
SqliteSynchronous = Literal["normal", "full"]

DEFAULT_SQLITE_PATH = "agent_gateway.db"

# Plain URLs people paste from elsewhere are mapped onto the async drivers this package uses.
_DRIVERS: dict[str, str] = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
# Short enough that the longest index name stays within PostgreSQL's 63-character limit.
_PREFIX = re.compile(r"[a-z0-9_]{0,16}")
_SCHEMA = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_MAPPING_KEYS = frozenset({"backend", "path"})


@dataclass(frozen=True, slots=True, kw_only=True)
class PersistenceSettings:
    """Options of :class:`~agent_gateway_sqlalchemy.SqlAlchemyPersistence`.

    ``url`` is normalised to an async driver (``sqlite+aiosqlite`` or ``postgresql+asyncpg``);
    anything invalid raises :class:`~agent_gateway_core.errors.ConfigError` naming the option.
    ``sqlite_synchronous`` is SQLite's ``PRAGMA synchronous``: ``"normal"`` (a power loss may
    lose the last commits, never the database) or ``"full"`` (every commit reaches the disk).
    """

    url: str
    schema: str | None = None
    table_prefix: str = ""
    pool_size: int = 10
    max_overflow: int = 20
    migrate: MigrateMode = "check"
    connect_timeout_seconds: float = 5.0
    statement_timeout_seconds: float = 10.0
    sqlite_synchronous: SqliteSynchronous = "normal"

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", _normalised_url(self.url))
        if self.schema is not None and not _SCHEMA.fullmatch(self.schema):
            raise ConfigError(
                f"persistence schema {self.schema!r} is not a valid name: use letters, digits "
                "and underscores, starting with a letter or underscore"
            )
        if self.schema is not None and self.dialect == "sqlite":
            raise ConfigError("persistence schema is supported on PostgreSQL only, not SQLite")
        if not _PREFIX.fullmatch(self.table_prefix):
            raise ConfigError(
                f"persistence table_prefix {self.table_prefix!r} is not valid: use at most 16 "
                "lowercase letters, digits and underscores"
            )
        if self.migrate not in ("check", "upgrade"):
            raise ConfigError(
                f"persistence migrate must be 'check' or 'upgrade', not {self.migrate!r}"
            )
        if self.sqlite_synchronous not in ("normal", "full"):
            raise ConfigError(
                "persistence sqlite_synchronous must be 'normal' or 'full', "
                f"not {self.sqlite_synchronous!r}"
            )
        for name in ("pool_size", "connect_timeout_seconds", "statement_timeout_seconds"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"persistence {name} must be positive, not {getattr(self, name)}")
        if self.max_overflow < 0:
            raise ConfigError(f"persistence max_overflow must be >= 0, not {self.max_overflow}")

    @property
    def dialect(self) -> Dialect:
        """``"sqlite"`` or ``"postgresql"``."""
        return cast(Dialect, make_url(self.url).get_backend_name())

    @property
    def in_memory(self) -> bool:
        """True for a SQLite database that lives only as long as its connection."""
        database = make_url(self.url).database
        return self.dialect == "sqlite" and database in (None, "", ":memory:")

    @property
    def display_url(self) -> str:
        """The URL with its password hidden, for messages and logs."""
        return display_url(self.url)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> PersistenceSettings:
        """Settings from a config mapping such as gateway.yaml's ``persistence`` section.

        Keys: ``backend`` (``"sqlite"`` | ``"postgres"``), ``path`` (SQLite file, default
        ``agent_gateway.db``), ``url`` (wins over ``path``) and every field of this class.
        ``None`` values count as missing; unknown keys raise ``ConfigError``.
        """
        given = {key: value for key, value in mapping.items() if value is not None}
        options = {f.name for f in fields(cls)}
        unknown = sorted(set(given) - options - _MAPPING_KEYS)
        if unknown:
            known = ", ".join(sorted(options | _MAPPING_KEYS))
            raise ConfigError(f"unknown persistence option(s) {unknown}; known: {known}")
        backend = given.pop("backend", None)
        path = given.pop("path", None)
        if "url" not in given:
            given["url"] = _url_for_backend(backend, path)
        try:
            return cls(**given)
        except TypeError as exc:  # a value of the wrong type, e.g. a list for pool_size
            raise ConfigError(f"invalid persistence settings: {exc}") from exc


def _url_for_backend(backend: object, path: object) -> str:
    if backend in (None, "sqlite"):
        return f"sqlite+aiosqlite:///{path or DEFAULT_SQLITE_PATH}"
    if backend == "postgres":
        raise ConfigError(
            "persistence backend 'postgres' needs a url, e.g. "
            "postgresql+asyncpg://user:password@127.0.0.1:5432/agent_gateway"
        )
    raise ConfigError(f"persistence backend must be 'sqlite' or 'postgres', not {backend!r}")


def _normalised_url(raw: object) -> str:
    if not isinstance(raw, str) or not raw:
        raise ConfigError(f"persistence url must be a non-empty string, not {raw!r}")
    if _userinfo(raw).count("@"):
        raise ConfigError(
            f"persistence url {display_url(raw)}: its user or password holds '@', which must be "
            "written %40 (percent-encode the URL's special characters: @ : / ? # %)"
        )
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ConfigError(f"persistence url is not a database URL: {display_url(raw)}") from exc
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise ConfigError(
            f"persistence url scheme {url.drivername!r} is not supported; use "
            "sqlite+aiosqlite:///path.db or postgresql+asyncpg://user:password@host/db"
        )
    # Only the scheme changes: re-rendering the URL would escape characters such as ":memory:".
    return driver + raw[len(url.drivername) :]


def display_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (unparseable URLs are hidden entirely).

    Rendered by SQLAlchemy's URL. A password holding an unescaped ``@`` would be split there by
    any URL parser, so such a user part is masked whole (``user:***``) from the last ``@``.
    """
    userinfo = _userinfo(url)
    if "@" in userinfo:
        user = userinfo.split(":", 1)[0].split("@", 1)[0]
        scheme, _, rest = url.partition("://")
        return f"{scheme}://{user}:***@{rest[len(userinfo) + 1 :]}"
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "<unparseable url>"
    return url if parsed.password is None else parsed.render_as_string(hide_password=True)


def _userinfo(url: str) -> str:
    """The ``user:password`` part of ``url`` as written: up to the last ``@`` of the part after
    ``://`` and before any query (empty when there is none)."""
    _, separator, rest = url.partition("://")
    if not separator:
        return ""
    before_query = rest.split("?", 1)[0]
    at = before_query.rfind("@")
    return before_query[:at] if at >= 0 else ""
