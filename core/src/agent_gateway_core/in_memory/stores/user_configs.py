"""In-memory UserConfigStore and McpServerStore, with secrets sealed by a SecretBox.

Only ciphertext is kept: the stored copy of a config has its ``secrets`` (or
``credentials``) replaced by SecretBox tokens, and they are decrypted on every read. So code
tested against these fakes cannot come to rely on plaintext at rest.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from agent_gateway_core.domain.user_config import McpServerConfig, UserAgentConfig
from agent_gateway_core.errors import DuplicateError
from agent_gateway_core.in_memory.health import BackendHealth
from agent_gateway_core.ports.persistence.user_config import McpServerStore, UserConfigStore
from agent_gateway_core.ports.secret_box import SecretBox


def _seal(box: SecretBox, values: Mapping[str, str]) -> dict[str, str]:
    return {name: box.encrypt(value) for name, value in values.items()}


def _open(box: SecretBox, tokens: Mapping[str, str]) -> dict[str, str]:
    return {name: box.decrypt(token) for name, token in tokens.items()}


class InMemoryUserConfigStore(UserConfigStore):
    """Per-user agent configs keyed by (user_id, agent_id)."""

    def __init__(self, secret_box: SecretBox, health: BackendHealth | None = None) -> None:
        self._box = secret_box
        self._health = health or BackendHealth("in-memory user config store")
        self._configs: dict[tuple[str, str], UserAgentConfig] = {}

    async def save(self, config: UserAgentConfig) -> None:
        await self._health.round_trip()
        sealed = config.model_copy(update={"secrets": _seal(self._box, config.secrets)}, deep=True)
        self._configs[(config.user_id, config.agent_id)] = sealed

    async def get(self, user_id: str, agent_id: str) -> UserAgentConfig | None:
        await self._health.round_trip()
        sealed = self._configs.get((user_id, agent_id))
        return self._unsealed(sealed) if sealed else None

    async def list_for_user(self, user_id: str) -> list[UserAgentConfig]:
        await self._health.round_trip()
        mine = [c for (owner, _), c in self._configs.items() if owner == user_id]
        return [self._unsealed(c) for c in sorted(mine, key=lambda c: c.agent_id)]

    async def delete(self, user_id: str, agent_id: str) -> bool:
        await self._health.round_trip()
        return self._configs.pop((user_id, agent_id), None) is not None

    def _unsealed(self, sealed: UserAgentConfig) -> UserAgentConfig:
        return sealed.model_copy(update={"secrets": _open(self._box, sealed.secrets)}, deep=True)


class InMemoryMcpServerStore(McpServerStore):
    """MCP server configs keyed by id, with names unique across ids."""

    def __init__(self, secret_box: SecretBox, health: BackendHealth | None = None) -> None:
        self._box = secret_box
        self._health = health or BackendHealth("in-memory MCP server store")
        self._lock = asyncio.Lock()
        self._servers: dict[str, McpServerConfig] = {}

    async def save(self, config: McpServerConfig) -> None:
        async with self._lock:
            clash = next(
                (s for s in self._servers.values() if s.name == config.name and s.id != config.id),
                None,
            )
            await self._health.round_trip()
            if clash is not None:
                raise DuplicateError(
                    f"an MCP server named {config.name!r} already exists with id {clash.id!r}"
                )
            self._servers[config.id] = config.model_copy(
                update={"credentials": _seal(self._box, config.credentials)}, deep=True
            )

    async def get(self, server_id: str) -> McpServerConfig | None:
        await self._health.round_trip()
        sealed = self._servers.get(server_id)
        return self._unsealed(sealed) if sealed else None

    async def get_by_name(self, name: str) -> McpServerConfig | None:
        await self._health.round_trip()
        sealed = next((s for s in self._servers.values() if s.name == name), None)
        return self._unsealed(sealed) if sealed else None

    async def list_all(self) -> list[McpServerConfig]:
        await self._health.round_trip()
        return [self._unsealed(s) for s in sorted(self._servers.values(), key=lambda s: s.name)]

    async def delete(self, server_id: str) -> bool:
        await self._health.round_trip()
        return self._servers.pop(server_id, None) is not None

    def _unsealed(self, sealed: McpServerConfig) -> McpServerConfig:
        return sealed.model_copy(
            update={"credentials": _open(self._box, sealed.credentials)}, deep=True
        )
