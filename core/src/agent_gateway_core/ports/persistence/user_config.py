"""UserConfigStore and McpServerStore: settings that hold secrets, encrypted at rest."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from agent_gateway_core.domain.user_config import McpServerConfig, UserAgentConfig


@runtime_checkable
class UserConfigStore(Protocol):
    """Per-user, per-agent configuration.

    - ``save`` creates or replaces the config of (user_id, agent_id). ``secrets`` values are
      stored encrypted (never in plaintext) and come back decrypted from ``get``.
    - ``get`` returns it or ``None``; ``list_for_user`` returns a user's configs by agent id.
    - ``delete`` returns ``True`` if it existed.
    """

    async def save(self, config: UserAgentConfig) -> None: ...

    async def get(self, user_id: str, agent_id: str) -> UserAgentConfig | None: ...

    async def list_for_user(self, user_id: str) -> list[UserAgentConfig]: ...

    async def delete(self, user_id: str, agent_id: str) -> bool: ...


@runtime_checkable
class McpServerStore(Protocol):
    """MCP server configurations; ``credentials`` are encrypted at rest, decrypted on read.

    - ``save`` creates or replaces by id; a different id with an existing ``name`` raises
      :class:`~agent_gateway_core.errors.DuplicateError`.
    - ``get`` / ``get_by_name`` return it or ``None``; ``list_all`` orders by name.
    - ``delete`` returns ``True`` if it existed.
    """

    async def save(self, config: McpServerConfig) -> None: ...

    async def get(self, server_id: str) -> McpServerConfig | None: ...

    async def get_by_name(self, name: str) -> McpServerConfig | None: ...

    async def list_all(self) -> list[McpServerConfig]: ...

    async def delete(self, server_id: str) -> bool: ...
