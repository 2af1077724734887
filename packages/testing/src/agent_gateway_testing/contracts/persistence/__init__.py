"""Contract suites of PersistenceBackend: one per store, and the facade that runs them all.

An adapter subclasses :class:`PersistenceBackendContract` and overrides the ``persistence``
fixture with an initialized backend whose stores are empty::

    class TestSqlitePersistence(PersistenceBackendContract):
        @pytest.fixture
        async def persistence(self, tmp_path):
            backend = SqlAlchemyPersistence(f"sqlite+aiosqlite:///{tmp_path}/db.sqlite")
            await backend.initialize()
            yield backend
            await backend.aclose()
"""

from agent_gateway_testing.contracts.persistence.backend import PersistenceLifecycleContract
from agent_gateway_testing.contracts.persistence.conversations import ConversationStoreContract
from agent_gateway_testing.contracts.persistence.executions import ExecutionStoreContract
from agent_gateway_testing.contracts.persistence.idempotency import IdempotencyStoreContract
from agent_gateway_testing.contracts.persistence.instances import InstanceStoreContract
from agent_gateway_testing.contracts.persistence.notifications import (
    NotificationLogStoreContract,
)
from agent_gateway_testing.contracts.persistence.schedules import ScheduleStoreContract
from agent_gateway_testing.contracts.persistence.user_configs import (
    McpServerStoreContract,
    UserConfigStoreContract,
)


class PersistenceBackendContract(
    PersistenceLifecycleContract,
    ExecutionStoreContract,
    ConversationStoreContract,
    ScheduleStoreContract,
    NotificationLogStoreContract,
    UserConfigStoreContract,
    McpServerStoreContract,
    IdempotencyStoreContract,
    InstanceStoreContract,
):
    """The whole PersistenceBackend contract: lifecycle plus every store."""


__all__ = [
    "ConversationStoreContract",
    "ExecutionStoreContract",
    "IdempotencyStoreContract",
    "InstanceStoreContract",
    "McpServerStoreContract",
    "NotificationLogStoreContract",
    "PersistenceBackendContract",
    "PersistenceLifecycleContract",
    "ScheduleStoreContract",
    "UserConfigStoreContract",
]
