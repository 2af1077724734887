"""The dependency-injector container: one provider per port, selected by settings.

Fluent ``Gateway.use_*`` calls become provider overrides applied after gateway.yaml is read, so
code wins over configuration. Tests override the same providers with fakes.
"""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from agent_gateway.composition.extras import import_adapter
from agent_gateway.composition.persistence import memory_backend, sql_backend
from agent_gateway.security.secret_key import secret_box_for
from agent_gateway.settings import PersistenceSettings
from agent_gateway_core.clock import SystemClock
from agent_gateway_core.in_memory.queue import InMemoryExecutionQueue
from agent_gateway_core.ports.execution_queue import ExecutionQueue
from agent_gateway_core.ports.secret_box import SecretBox


def _secret_box(config: dict[str, Any]) -> SecretBox:
    return secret_box_for(PersistenceSettings.model_validate(config))


def _redis_queue(config: dict[str, Any]) -> ExecutionQueue:
    adapter = import_adapter("agent_gateway_redis", feature="the Redis queue", extra="redis")
    queue: ExecutionQueue = adapter.RedisStreamsQueue.from_settings(config)
    return queue


def _rabbitmq_queue(config: dict[str, Any]) -> ExecutionQueue:
    adapter = import_adapter(
        "agent_gateway_rabbitmq", feature="the RabbitMQ queue", extra="rabbitmq"
    )
    queue: ExecutionQueue = adapter.RabbitMQQueue.from_settings(config)
    return queue


class GatewayContainer(containers.DeclarativeContainer):
    """Providers for the ports the gateway composes; ``config`` is GatewaySettings as a dict."""

    config = providers.Configuration()

    clock = providers.Singleton(SystemClock)

    # Encrypts secrets at rest in whichever backend is chosen; its key source depends on it.
    secret_box = providers.Singleton(_secret_box, config.persistence)

    persistence = providers.Selector(
        config.persistence.backend,
        memory=providers.Singleton(memory_backend, secret_box),
        sqlite=providers.Singleton(sql_backend, config.persistence, secret_box),
        postgres=providers.Singleton(sql_backend, config.persistence, secret_box),
        none=providers.Singleton(memory_backend, secret_box),
    )

    queue = providers.Selector(
        config.queue.backend,
        memory=providers.Singleton(InMemoryExecutionQueue),
        redis=providers.Singleton(_redis_queue, config.queue),
        rabbitmq=providers.Singleton(_rabbitmq_queue, config.queue),
        none=providers.Object(None),
    )

    # Set at startup from the auth settings and the Gateway(auth=...) argument.
    auth_provider: providers.Object[object] = providers.Object(None)
    # Set at startup: the routing LLM client over litellm (and the local model, if used).
    llm: providers.Object[object] = providers.Object(None)
