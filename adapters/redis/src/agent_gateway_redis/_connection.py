"""The Redis client of a queue or a lock: made from a URL (and owned), or passed in."""

from __future__ import annotations

from typing import NamedTuple

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from agent_gateway_core.errors import ConfigError
from agent_gateway_redis._errors import client_server_name, server_name

DEFAULT_URL = "redis://localhost:6379/0"


class Connection(NamedTuple):
    client: Redis
    server: str  # as error messages name it: no user name, no password
    owned: bool  # made here from a URL, so closed by its user's aclose()


def connect(
    url: str | None, client: Redis | None, *, timeout_seconds: float, purpose: str
) -> Connection:
    """A client for ``url`` (default :data:`DEFAULT_URL`) with ``timeout_seconds`` to connect
    and per command, or ``client`` as given. ValueError for both; ConfigError for a URL Redis
    cannot parse, naming ``purpose`` ("the queue")."""
    if client is not None and url is not None:
        raise ValueError("pass a Redis url or a client, not both")
    if client is not None:
        return Connection(
            client, client_server_name(client.connection_pool.connection_kwargs), False
        )
    url = url or DEFAULT_URL
    try:
        made = Redis.from_url(
            url,
            socket_connect_timeout=timeout_seconds,
            socket_timeout=timeout_seconds,
            # One quick retry rides out a dropped connection; more would only delay the
            # BackendUnavailableError of a server that is down.
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 1),
        )
    except ValueError as exc:
        raise ConfigError(f"invalid Redis URL for {purpose}: {exc}") from exc
    return Connection(made, server_name(url), True)
