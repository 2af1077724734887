"""Who is calling: credentials in, a principal with scopes out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Credentials:
    """What a request presented. ``scheme`` is e.g. ``bearer`` or ``api_key``."""

    scheme: str
    token: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """An authenticated caller. ``subject`` is the stable user id used to scope data."""

    subject: str
    name: str | None = None
    scopes: frozenset[str] = frozenset()
    auth_method: str = "unknown"
    claims: Mapping[str, Any] = field(default_factory=dict)

    def has_scope(self, scope: str) -> bool:
        return "*" in self.scopes or scope in self.scopes
