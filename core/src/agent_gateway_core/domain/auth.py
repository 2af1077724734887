"""Who is calling: credentials in, a principal with scopes out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
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

    def has_scope(self, scope: str, *, agent_id: str | None = None) -> bool:
        """Whether this caller may do what ``scope`` names (on ``agent_id``, if any)."""
        return scope_granted(self.scopes, scope, agent_id=agent_id)


class Scope(StrEnum):
    """What a credential may do. ``*`` grants every scope."""

    AGENTS_READ = "agents:read"
    AGENTS_INVOKE = "agents:invoke"  # invoke and chat
    AGENTS_MANAGE = "agents:manage"  # memory compaction (the existing product's name)
    SESSIONS_READ = "sessions:read"
    SESSIONS_WRITE = "sessions:write"
    EXECUTIONS_READ = "executions:read"
    EXECUTIONS_MANAGE = "executions:manage"  # cancel, retry
    SCHEDULES_READ = "schedules:read"
    SCHEDULES_MANAGE = "schedules:manage"
    NOTIFICATIONS_READ = "notifications:read"
    CONFIG_WRITE = "config:write"  # the caller's own configuration of a personal agent
    ADMIN = "admin"  # reload, MCP servers, admin schedules


ALL_SCOPES = "*"
READ_ONLY = "read"
"""Grants every ``*:read`` scope: the read-only key of the existing product's examples."""

# The existing product's names for the same permissions, so its credentials keep working.
SCOPE_ALIASES: Mapping[str, Scope] = MappingProxyType(
    {
        "agents:configure": Scope.CONFIG_WRITE,
        "executions:cancel": Scope.EXECUTIONS_MANAGE,
        "sessions:manage": Scope.SESSIONS_WRITE,
        "admin:*": Scope.ADMIN,
    }
)
AGENT_INVOKE_PREFIX = "agents:invoke:"
"""``agents:invoke:<agent_id>`` grants invoke and chat on that one agent."""


def scope_granted(granted: frozenset[str], required: str, *, agent_id: str | None = None) -> bool:
    """Whether scopes ``granted`` to a caller allow ``required`` (on ``agent_id``, if any)."""
    if ALL_SCOPES in granted or required in granted:
        return True
    if READ_ONLY in granted and required.endswith(":read"):
        return True
    if required == Scope.AGENTS_INVOKE and agent_id and AGENT_INVOKE_PREFIX + agent_id in granted:
        return True
    return any(SCOPE_ALIASES.get(name) == required for name in granted)
