"""Driver errors become core errors here, naming the server but never its password."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from redis import exceptions as redis_errors

from agent_gateway_core.errors import BackendUnavailableError

BACKEND = "the Redis queue"


def server_name(url: str) -> str:
    """``redis://host:port/db`` from ``url``, without user name or password."""
    try:
        parts = urlsplit(url)
        if parts.scheme == "unix":
            return f"unix://{parts.path}"
        host = parts.hostname or "localhost"
        port = parts.port or 6379
    except ValueError:
        return "an unparsable Redis URL"
    db = parts.path.strip("/") or "0"
    return f"{parts.scheme}://{host}:{port}/{db}"


def client_server_name(connection_kwargs: dict[str, Any]) -> str:
    """The server of an injected client, from its connection pool's settings."""
    if "path" in connection_kwargs:
        return f"unix://{connection_kwargs['path']}"
    host = connection_kwargs.get("host", "localhost")
    port = connection_kwargs.get("port", 6379)
    return f"redis://{host}:{port}/{connection_kwargs.get('db', 0)}"


@contextmanager
def unavailable_as_core_error(
    server: str,
    *,
    backend: str = BACKEND,
    errors: tuple[type[BaseException], ...] = (
        redis_errors.ConnectionError,
        redis_errors.TimeoutError,
    ),
) -> Iterator[None]:
    """``errors`` (by default connection failures and timeouts) and any OSError as
    ``BackendUnavailableError`` naming ``backend`` and ``server``."""
    caught: tuple[type[BaseException], ...] = (*errors, OSError)
    try:
        yield
    except caught as exc:
        # OSError includes the builtin TimeoutError that asyncio raises.
        cause = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise BackendUnavailableError(
            f"{backend} at {server} is unavailable: {cause}",
            backend=backend,
        ) from exc
