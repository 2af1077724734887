"""The dependency-injector container: the one place where each port's implementation is chosen.

Each port has a provider, chosen from settings (gateway.yaml with ``AGENT_GATEWAY_*`` env
overrides, loaded into ``config`` at every start). Choices made in code are overrides of the
same providers: the fluent ``Gateway.use_*`` methods override them when called, so code wins
over configuration whatever the order. Tests override them too, with the core's fakes::

    gw = Gateway(workspace="./workspace")
    gw.container.llm.override(providers.Object(ScriptedLLM()))

========================  ===========================================  =======================
provider                  chosen from                                  overridden by
========================  ===========================================  =======================
``persistence_settings``  ``persistence:``                             ``use_sqlite``,
                                                                       ``use_postgres``,
                                                                       ``use_persistence(None)``
``persistence``           Selector on ``persistence_settings.backend``  ``use_persistence(obj)``
``secret_box``            ``AGENT_GATEWAY_SECRET_KEY`` and the backend
``queue_settings``        ``queue:``                                   ``use_memory_queue``,
                                                                       ``use_redis_queue``,
                                                                       ``use_rabbitmq_queue``
``queue``                 Selector on ``queue_settings.backend``       ``use_queue``
``api_key_auth``          ``auth.api_keys``                            ``use_api_keys``
``oauth2_auth``           ``auth.oauth2``                              ``use_oauth2``
``auth``                  both of the above (``None`` = off)           ``Gateway(auth=...)``,
                                                                       ``use_auth``
``llm``                   litellm + local and openai_compat routes     tests (``ScriptedLLM``)
``memory``                none                                         ``use_memory``
``clock``                 the system clock                             tests (``ManualClock``)
``rate_limiter``          ``rate_limit:`` (``None`` = off)
``schedule_lock``         ``scheduler.distributed_lock`` (``None`` =   tests
                          the database's claims)
========================  ===========================================  =======================

Resources open and close what has a lifecycle: ``opened_persistence`` (initialized at start),
``opened_queue``, ``oauth2_auth``, ``local_model``, ``rate_limiter`` and ``schedule_lock``. ``shutdown_resources()`` closes them in reverse
dependency order; ``reset_singletons()`` lets a restarted gateway build them anew.
"""

from __future__ import annotations

import inspect
from typing import TypeVar, cast

from dependency_injector import containers, providers

from agent_gateway.composition.auth import (
    api_keys_from_settings,
    combined_auth,
    open_oauth2_from_settings,
)
from agent_gateway.composition.model_clients import open_local_model, routing_llm
from agent_gateway.composition.persistence import (
    import_sql_adapter,
    memory_backend,
    open_persistence,
    persistence_from_settings,
    sql_backend,
)
from agent_gateway.composition.queue import (
    adapter_queue,
    memory_queue,
    open_queue,
    queue_from_settings,
)
from agent_gateway.composition.rate_limit import open_rate_limiter
from agent_gateway.composition.scheduler import open_schedule_lock
from agent_gateway.security.secret_key import secret_box_for
from agent_gateway_core.clock import SystemClock
from agent_gateway_core.ports.auth_provider import AuthProvider
from agent_gateway_core.ports.execution_queue import ExecutionQueue
from agent_gateway_core.ports.llm_client import LLMClient
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_core.ports.persistence.backend import PersistenceBackend

T = TypeVar("T")


class GatewayContainer(containers.DeclarativeContainer):
    """Providers for the ports the gateway composes.

    ``config`` is ``GatewaySettings.model_dump(by_alias=True)`` plus ``workspace.models``,
    every model string the workspace may call (the LLM routes and the local model need it).
    """

    config = providers.Configuration()

    clock = providers.Singleton(SystemClock)

    persistence_settings = providers.Singleton(persistence_from_settings, config.persistence)
    # Seals secrets at rest in whichever backend is chosen; its key source depends on it.
    secret_box = providers.Singleton(secret_box_for, persistence_settings)
    # The SQLAlchemy adapter (with its driver checked), imported only when a SQL backend is.
    sql_adapter = providers.Callable(import_sql_adapter, persistence_settings.provided.backend)
    persistence: providers.Provider[PersistenceBackend] = providers.Selector(
        persistence_settings.provided.backend,
        memory=providers.Singleton(memory_backend, secret_box),
        sqlite=providers.Singleton(sql_backend, sql_adapter, persistence_settings, secret_box),
        postgres=providers.Singleton(sql_backend, sql_adapter, persistence_settings, secret_box),
    )
    opened_persistence = providers.Resource(open_persistence, persistence)

    queue_settings = providers.Singleton(queue_from_settings, config.queue)
    queue: providers.Provider[ExecutionQueue | None] = providers.Selector(
        queue_settings.provided.backend,
        memory=providers.Singleton(memory_queue, queue_settings),
        redis=providers.Singleton(adapter_queue, queue_settings),
        rabbitmq=providers.Singleton(adapter_queue, queue_settings),
        none=providers.Object(None),
    )
    opened_queue = providers.Resource(open_queue, queue)

    # The API keys and the OAuth2 token validator, combined (see composition/auth.py).
    api_key_auth: providers.Provider[AuthProvider | None] = providers.Singleton(
        api_keys_from_settings, config.auth
    )
    oauth2_auth = providers.Resource(open_oauth2_from_settings, config.auth)
    auth: providers.Provider[AuthProvider | None] = providers.Singleton(
        combined_auth, config.auth, api_key_auth, oauth2_auth
    )

    local_model = providers.Resource(open_local_model, config.workspace.models)
    llm: providers.Provider[LLMClient] = providers.Singleton(
        routing_llm,
        config.workspace.models,
        local_model,
        freeze_heap=config.server.freeze_heap,
    )

    memory: providers.Provider[MemoryManager | None] = providers.Object(None)

    rate_limiter = providers.Resource(open_rate_limiter, config.rate_limit)

    # Where replicas claim cron occurrences: Redis, or None for the store's own locks.
    schedule_lock = providers.Resource(open_schedule_lock, config.scheduler, config.queue)


async def provided(provider: providers.Provider[T]) -> T:
    """What ``provider`` provides, awaited when it (or a dependency) is async: a Resource
    opened at startup makes every provider that depends on it return a future, while an
    override with a plain object does not."""
    value: object = provider()
    if inspect.isawaitable(value):
        value = await value
    return cast(T, value)


async def close_resources(container: GatewayContainer) -> None:
    """Close what the container's resources opened, in reverse dependency order."""
    closing = container.shutdown_resources()
    if closing is not None:
        await closing
