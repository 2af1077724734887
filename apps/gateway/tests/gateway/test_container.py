"""The composition root: every port is chosen by the container, and every choice made in code
is an override of one of its providers."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from dependency_injector import providers

from agent_gateway import Gateway
from agent_gateway.auth.callable_provider import CallableAuthProvider
from agent_gateway.composition import container as container_module
from agent_gateway.options import FluentOptions
from agent_gateway_core.errors import MissingExtraError
from agent_gateway_core.testing import (
    InMemoryExecutionQueue,
    InMemoryMemoryManager,
    InMemoryPersistence,
    ManualClock,
    ScriptedLLM,
    StaticTokenAuthProvider,
)

from .test_fluent import FLUENT_CALLS

pytestmark = pytest.mark.unit

WriteWorkspace = Callable[..., Path]

# The provider each fluent choice of a port overrides.
PORT_OVERRIDES: dict[str, str] = {
    "use_sqlite": "persistence_settings",
    "use_postgres": "persistence_settings",
    "use_persistence": "persistence",
    "use_memory_queue": "queue_settings",
    "use_redis_queue": "queue_settings",
    "use_rabbitmq_queue": "queue_settings",
    "use_queue": "queue",
    "use_api_keys": "api_key_auth",
    "use_oauth2": "oauth2_auth",
    "use_auth": "auth",
    "use_memory": "memory",
}

# Fluent choices that are not (yet) a port of the container; each is kept in FluentOptions
# and applied, or refused with a clear error, at startup. A feature that gains a provider
# moves from here to PORT_OVERRIDES.
NOT_A_PORT = {
    "use_slack_notifications": "slack",
    "use_webhook_notifications": "webhooks",
    "use_notifications": "notification_backends",
    "use_retriever": "retrievers",
    "use_file_memory": "file_memory",
    "add_mcp_server": "mcp_servers",
    "use_cors": "cors",
    "use_security_headers": "security_headers",
    "use_proxy_headers": "proxy_headers",
    "use_dashboard": "dashboard",
}


def overridden(gw: Gateway, provider: str) -> bool:
    return bool(getattr(gw.container, provider).overridden)


def test_every_fluent_method_is_either_a_port_override_or_a_recorded_option() -> None:
    assert set(PORT_OVERRIDES) | set(NOT_A_PORT) == set(FLUENT_CALLS)
    assert not set(PORT_OVERRIDES) & set(NOT_A_PORT)


@pytest.mark.parametrize("name", sorted(PORT_OVERRIDES))
def test_a_fluent_choice_of_a_port_is_an_override_on_the_container(name: str) -> None:
    gw = Gateway()
    provider = PORT_OVERRIDES[name]
    assert not overridden(gw, provider)

    FLUENT_CALLS[name](gw)

    assert overridden(gw, provider)


@pytest.mark.parametrize("name", sorted(NOT_A_PORT))
def test_other_fluent_choices_are_recorded_as_options(name: str) -> None:
    gw = Gateway()
    field = NOT_A_PORT[name]
    before = getattr(FluentOptions(), field)

    FLUENT_CALLS[name](gw)

    assert getattr(gw._fluent, field) != before
    assert not any(overridden(gw, provider) for provider in set(PORT_OVERRIDES.values()))


def test_the_auth_argument_other_than_true_is_an_override() -> None:
    assert not overridden(Gateway(), "auth")
    assert Gateway(auth=False).container.auth() is None
    provider = StaticTokenAuthProvider({})
    assert Gateway(auth=provider).container.auth() is provider
    assert isinstance(
        Gateway(auth=lambda token: token == "ok").container.auth(), CallableAuthProvider
    )


def test_the_last_choice_in_code_wins() -> None:
    custom = StaticTokenAuthProvider({})
    gw = Gateway(auth=False).use_api_keys([{"name": "a", "key": "sk-a"}]).use_auth(custom)
    assert gw.container.auth() is custom
    assert len(gw.container.auth.overridden) == 1

    gw.use_persistence(InMemoryPersistence()).use_sqlite(":memory:")
    # A settings choice drops the object chosen before it.
    assert not overridden(gw, "persistence")
    assert gw.container.persistence_settings().backend == "sqlite"


def test_use_persistence_none_keeps_nothing_durable() -> None:
    gw = Gateway().use_persistence(None)
    assert gw.container.persistence_settings().backend == "memory"


async def test_overridden_providers_are_what_the_started_gateway_runs_on(
    write_workspace: WriteWorkspace,
) -> None:
    clock, persistence, queue, memory, llm = (
        ManualClock(),
        InMemoryPersistence(),
        InMemoryExecutionQueue(),
        InMemoryMemoryManager(),
        ScriptedLLM(),
    )
    gw = Gateway(workspace=write_workspace(), auth=False)
    gw.container.clock.override(providers.Object(clock))
    gw.container.persistence.override(providers.Object(persistence))
    gw.container.queue.override(providers.Object(queue))
    gw.container.memory.override(providers.Object(memory))
    gw.container.llm.override(providers.Object(llm))

    async with gw:
        services = gw.services
        assert services is not None
        assert services.clock is clock
        assert services.started_at == clock.now()
        assert services.persistence is persistence
        assert services.queue is queue
        assert services.runtime.queue is queue
        assert services.llm is llm
        assert gw.memory_manager is memory
        result = await gw.invoke("assistant", "hello")

    assert result.raw_text == "echo: hello"
    assert [request.model for request in llm.requests] == ["openai/gpt-4o-mini"]


async def test_an_overridden_llm_starts_no_local_model(write_workspace: WriteWorkspace) -> None:
    workspace = write_workspace(yaml="", api_base="http://127.0.0.1:9/v1")
    (workspace / "gateway.yaml").write_text("model:\n  default: local/smollm2-135m-instruct\n")
    gw = Gateway(workspace=workspace, auth=False)
    gw.container.llm.override(providers.Object(ScriptedLLM()))

    async with gw:
        assert gw.services is not None
        assert gw.services.local_model is None
        assert not gw.container.local_model.initialized
        assert (await gw.invoke("assistant", "hi")).raw_text == "echo: hi"


async def test_resources_are_closed_at_shutdown_and_built_anew_on_restart(
    write_workspace: WriteWorkspace,
) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)
    gw.container.llm.override(providers.Object(ScriptedLLM()))

    async with gw:
        assert gw.services is not None
        first = gw.services.persistence
        assert gw.container.opened_persistence.initialized
    assert not gw.container.opened_persistence.initialized
    assert not gw.container.opened_queue.initialized

    gw.container.llm.override(providers.Object(ScriptedLLM()))  # the runtime closed the first
    async with gw:
        assert gw.services is not None
        assert gw.services.persistence is not first


async def test_a_failed_startup_closes_what_it_opened(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "agent_gateway_oauth2", None)  # as if not installed
    gw = Gateway(workspace=write_workspace()).use_oauth2("https://issuer.test", "agents")

    with pytest.raises(MissingExtraError, match=r"agents-gateway\[oauth2\]"):
        await gw.startup()

    assert not gw.started
    assert not gw.container.opened_persistence.initialized
    assert not gw.container.opened_queue.initialized


def test_the_container_docstring_lists_every_port() -> None:
    doc = container_module.__doc__ or ""
    for provider in {*PORT_OVERRIDES.values(), "llm", "clock", "secret_box"}:
        assert f"``{provider}``" in doc, provider
