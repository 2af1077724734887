"""What ``rate_limit:`` says, parsed: its limit strings and its route keys.

Plain functions raising ``ValueError``: gateway.yaml's validation reports them per key, and the
limiter is built with them. The ``limits`` library is imported only when a limit is parsed,
so a gateway with rate limiting off never loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from limits import RateLimitItem

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

MEMORY_SCHEME = "memory://"
REDIS_SCHEMES = ("redis://", "rediss://")
STORAGE_SCHEMES = (MEMORY_SCHEME, *REDIS_SCHEMES)


def parse_limits(text: str) -> tuple[RateLimitItem, ...]:
    """``"100/minute"``, or several at once (``"10/second;1000/hour"``): shortest window first.

    The syntax is the ``limits`` library's: ``<count>/<unit>`` or ``<count> per <n> <unit>``,
    units ``second`` to ``year``, several separated by ``;``, ``,`` or ``|``.
    """
    from limits import parse_many

    try:
        items = parse_many(text)
    except ValueError as exc:
        raise ValueError(
            f"invalid rate limit {text!r} ({exc}): write e.g. '100/minute' or '10/second;1000/hour'"
        ) from None
    if not items:  # pragma: no cover - parse_many refuses an empty string itself
        raise ValueError(f"invalid rate limit {text!r}: no limit in it")
    if any(item.amount < 1 for item in items):
        raise ValueError(f"invalid rate limit {text!r}: a limit allows at least 1 request")
    return tuple(sorted(items, key=lambda item: item.get_expiry()))


def parse_route_key(key: str) -> tuple[str | None, str]:
    """``"POST /v1/agents/{agent_id}/invoke"`` → ``("POST", path)``; ``"/v1/executions"`` (every
    method) → ``(None, path)``. The method is read case-insensitively."""
    method: str | None
    first, space, rest = key.strip().partition(" ")
    if space:
        method, path = first.upper(), rest.strip()
        if method not in HTTP_METHODS:
            raise ValueError(
                f"route {key!r}: unknown method {first!r}; write 'METHOD /path' or '/path'"
            )
    else:
        method, path = None, first
    if not path.startswith("/") or any(char.isspace() for char in path):
        raise ValueError(f"route {key!r}: write 'METHOD /path' or '/path' (a path from the root)")
    return method, path


def route_name(method: str | None, path: str) -> str:
    """A parsed route key, written back in its canonical form."""
    return path if method is None else f"{method} {path}"
