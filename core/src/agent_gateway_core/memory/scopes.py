"""Which memory scopes a caller writes to and reads from.

The rule, for every agent (global or personal): a caller with a user id saves to that
user's scope of the agent and reads that scope and the agent-wide one; a caller without
one saves to and reads the agent-wide scope only. So one user's memories never reach
another user, and a user may delete only what is in their own scope.
"""

from __future__ import annotations

from typing import Literal

from agent_gateway_core.domain.memory import MemoryScope

ScopeLabel = Literal["user", "global"]


def own_scope(agent_id: str, user_id: str | None) -> MemoryScope:
    """The scope a caller saves to, and the only one it may delete from."""
    return MemoryScope(agent_id=agent_id, user_id=user_id or None)


def readable_scopes(agent_id: str, user_id: str | None) -> tuple[MemoryScope, ...]:
    """The scopes a caller reads, its own first: the user's and the agent-wide one."""
    agent_wide = MemoryScope(agent_id=agent_id)
    if not user_id:
        return (agent_wide,)
    return (own_scope(agent_id, user_id), agent_wide)


def scope_label(scope: MemoryScope) -> ScopeLabel:
    """``"user"`` for a user's scope, ``"global"`` for the agent-wide one (as 0.2 says it)."""
    return "user" if scope.user_id is not None else "global"
