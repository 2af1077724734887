"""PersistenceBackend: the stores, their lifecycle and their health."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from agent_gateway_core.ports.persistence.conversations import ConversationStore
from agent_gateway_core.ports.persistence.executions import ExecutionStore
from agent_gateway_core.ports.persistence.idempotency import IdempotencyStore
from agent_gateway_core.ports.persistence.instances import InstanceStore
from agent_gateway_core.ports.persistence.notifications import NotificationLogStore
from agent_gateway_core.ports.persistence.schedules import ScheduleStore
from agent_gateway_core.ports.persistence.user_config import McpServerStore, UserConfigStore
from agent_gateway_core.ports.schedule_lock import ScheduleLock


@runtime_checkable
class PersistenceBackend(Protocol):
    """Everything the gateway keeps durably, grouped into stores with one job each.

    - ``initialize()`` prepares the backend (connects; checks or creates the schema) and is
      idempotent. Stores may be used only after it returned.
    - ``ping()`` returns when the backend answers and raises
      :class:`~agent_gateway_core.errors.BackendUnavailableError` otherwise.
    - Any store call against a backend that is down or too slow raises
      ``BackendUnavailableError`` naming the cause, never a driver exception.
    - ``aclose()`` releases connections; calling it twice is harmless.
    - ``schedule_locks`` is a :class:`ScheduleLock` kept in the same storage: every process
      sharing the store sees the same leases, so replicas on one database claim each cron
      firing through it.
    """

    @property
    def executions(self) -> ExecutionStore: ...

    @property
    def conversations(self) -> ConversationStore: ...

    @property
    def schedules(self) -> ScheduleStore: ...

    @property
    def notifications(self) -> NotificationLogStore: ...

    @property
    def user_configs(self) -> UserConfigStore: ...

    @property
    def mcp_servers(self) -> McpServerStore: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def instances(self) -> InstanceStore: ...

    @property
    def schedule_locks(self) -> ScheduleLock: ...

    async def initialize(self) -> None: ...

    async def ping(self) -> None: ...

    async def aclose(self) -> None: ...
