"""The LLM client the gateway calls models through, and the bundled local model it may need.

litellm serves every provider model string; ``local/...`` goes to the bundled model (started
in the background when the workspace uses one) and ``openai_compat/...`` to the lean
OpenAI-compatible client, whenever its adapter is installed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence

from agent_gateway.composition.extras import import_adapter, is_installed
from agent_gateway.composition.llm import (
    LOCAL_PREFIX,
    OPENAI_COMPAT_PREFIX,
    LazyLLMClient,
    LocalModelClient,
    RoutingLLMClient,
)
from agent_gateway.composition.local_model import LocalModelHandle
from agent_gateway.heap import freeze_long_lived
from agent_gateway_core.errors import ConfigError, MissingExtraError
from agent_gateway_core.ports.llm_client import LLMClient
from agent_gateway_core.workspace import WorkspaceState


def workspace_models(workspace: WorkspaceState) -> list[str]:
    """Every model string the workspace may call: defaults, agents' models, fallbacks."""
    models = [workspace.model.default, *workspace.model.fallback]
    for agent in workspace.agents.values():
        models += [agent.model.name, *agent.model.fallback]
    return [m for m in models if m]


def local_model_name(models: Iterable[str]) -> str | None:
    """The one ``local/`` model the workspace uses, if any."""
    local = sorted({m.removeprefix(LOCAL_PREFIX) for m in models if m.startswith(LOCAL_PREFIX)})
    if len(local) > 1:
        raise ConfigError(f"only one local model can be used at a time; the workspace uses {local}")
    return local[0] if local else None


async def open_local_model(models: Sequence[str]) -> AsyncIterator[LocalModelHandle | None]:
    """The bundled model's server, starting in the background when a ``local/`` model is used
    (requests wait for it); stopped at shutdown."""
    name = local_model_name(models)
    if name is None:
        yield None
        return
    handle = LocalModelHandle.start(name)
    try:
        yield handle
    finally:
        await handle.aclose()


def routing_llm(
    models: Sequence[str], local: LocalModelHandle | None, *, freeze_heap: bool
) -> LLMClient:
    """litellm by default, with the local and ``openai_compat/`` routes; the Runtime closes it."""
    from agent_gateway_litellm import LiteLLMClient

    routes: dict[str, LLMClient] = {}
    if local is not None:
        routes[LOCAL_PREFIX] = LocalModelClient(LiteLLMClient(), local.endpoint)
    # Routed whenever the adapter is installed, so an agent added by a reload can use it too;
    # api_base and api_key come with each request (the agent's or gateway.yaml's model).
    if is_installed("agent_gateway_openai_compat"):
        routes[OPENAI_COMPAT_PREFIX] = LazyLLMClient(_openai_compat_client)
    elif any(m.startswith(OPENAI_COMPAT_PREFIX) for m in models):
        raise MissingExtraError(f"{OPENAI_COMPAT_PREFIX}... models", "openai-compat")
    return RoutingLLMClient(
        LiteLLMClient(),
        routes,
        on_first_response=freeze_long_lived if freeze_heap else None,
        models=models,
    )


def _openai_compat_client() -> LLMClient:
    adapter = import_adapter(
        "agent_gateway_openai_compat",
        feature=f"{OPENAI_COMPAT_PREFIX}... models",
        extra="openai-compat",
    )
    client: LLMClient = adapter.OpenAICompatClient()
    return client
