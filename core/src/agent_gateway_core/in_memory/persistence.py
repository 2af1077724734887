"""In-memory PersistenceBackend: every store in dicts, secrets still encrypted at rest."""

from __future__ import annotations

import secrets

from agent_gateway_core.in_memory.health import BackendHealth
from agent_gateway_core.in_memory.schedule_lock import InMemoryScheduleLock
from agent_gateway_core.in_memory.secret_box import HmacSecretBox
from agent_gateway_core.in_memory.stores import (
    InMemoryConversationStore,
    InMemoryExecutionStore,
    InMemoryIdempotencyStore,
    InMemoryInstanceStore,
    InMemoryMcpServerStore,
    InMemoryNotificationLogStore,
    InMemoryScheduleStore,
    InMemoryUserConfigStore,
)
from agent_gateway_core.ports.persistence import (
    ConversationStore,
    ExecutionStore,
    IdempotencyStore,
    InstanceStore,
    McpServerStore,
    NotificationLogStore,
    PersistenceBackend,
    ScheduleStore,
    UserConfigStore,
)
from agent_gateway_core.ports.schedule_lock import ScheduleLock
from agent_gateway_core.ports.secret_box import SecretBox


class InMemoryPersistence(PersistenceBackend):
    """A PersistenceBackend that lives as long as the object; usable without ``initialize``.

    Secrets of user configs and MCP credentials are sealed with ``secret_box`` (by default an
    :class:`HmacSecretBox` with a random key). Set ``available = False`` to make every store
    call and ``ping`` raise :class:`~agent_gateway_core.errors.BackendUnavailableError`.
    """

    def __init__(self, *, secret_box: SecretBox | None = None) -> None:
        box = secret_box or HmacSecretBox(secrets.token_bytes(32))
        self._health = BackendHealth("in-memory persistence")
        self._executions = InMemoryExecutionStore(self._health)
        self._conversations = InMemoryConversationStore(self._health)
        self._schedules = InMemoryScheduleStore(self._health)
        self._notifications = InMemoryNotificationLogStore(self._health)
        self._user_configs = InMemoryUserConfigStore(box, self._health)
        self._mcp_servers = InMemoryMcpServerStore(box, self._health)
        self._idempotency = InMemoryIdempotencyStore(self._health)
        self._instances = InMemoryInstanceStore(self._executions, self._health)
        self._schedule_locks = InMemoryScheduleLock()

    @property
    def available(self) -> bool:
        """``False`` simulates an outage: calls raise ``BackendUnavailableError``."""
        return self._health.available

    @available.setter
    def available(self, value: bool) -> None:
        self._health.available = value

    @property
    def executions(self) -> ExecutionStore:
        return self._executions

    @property
    def conversations(self) -> ConversationStore:
        return self._conversations

    @property
    def schedules(self) -> ScheduleStore:
        return self._schedules

    @property
    def notifications(self) -> NotificationLogStore:
        return self._notifications

    @property
    def user_configs(self) -> UserConfigStore:
        return self._user_configs

    @property
    def mcp_servers(self) -> McpServerStore:
        return self._mcp_servers

    @property
    def idempotency(self) -> IdempotencyStore:
        return self._idempotency

    @property
    def instances(self) -> InstanceStore:
        return self._instances

    @property
    def schedule_locks(self) -> ScheduleLock:
        return self._schedule_locks

    async def initialize(self) -> None:
        """Nothing to prepare; kept so hosts treat every backend alike."""

    async def ping(self) -> None:
        await self._health.round_trip()

    async def aclose(self) -> None:
        """Nothing to release; the data stays readable so tests can inspect it afterwards."""
