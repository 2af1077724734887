"""``auth.public_paths``: the routes a caller may use without a credential."""

from __future__ import annotations

from collections.abc import Iterable


class PublicPaths:
    """Exact paths (``/v1/health``), or prefixes written with a trailing ``*``
    (``/v1/agents/*``). A path not listed needs a credential."""

    __slots__ = ("_exact", "_prefixes")

    def __init__(self, paths: Iterable[str]) -> None:
        listed = [p.strip() for p in paths if p.strip()]
        self._exact = frozenset(p for p in listed if not p.endswith("*"))
        self._prefixes = tuple(p[:-1] for p in listed if p.endswith("*"))

    def matches(self, path: str) -> bool:
        return path in self._exact or (bool(self._prefixes) and path.startswith(self._prefixes))

    def __repr__(self) -> str:
        listed = sorted(self._exact) + [f"{p}*" for p in self._prefixes]
        return f"PublicPaths({listed!r})"
