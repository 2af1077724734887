"""RoutingLLMClient.warm_up: what a worker loads before it takes its first job."""

from __future__ import annotations

import sys

import pytest

from agent_gateway.composition.llm import LazyLLMClient, RoutingLLMClient
from agent_gateway.composition.model_clients import routing_llm
from agent_gateway_core.testing.scripted_llm import ScriptedLLM

pytestmark = pytest.mark.unit


class WarmingLLM(ScriptedLLM):
    """A scripted model that counts its warm-ups."""

    def __init__(self) -> None:
        super().__init__()
        self.warmed = 0

    async def warm_up(self) -> None:
        self.warmed += 1


async def test_warms_each_client_the_workspace_models_go_to_once() -> None:
    default, compat, unused = WarmingLLM(), WarmingLLM(), WarmingLLM()
    built: list[WarmingLLM] = []

    def build_compat() -> WarmingLLM:
        built.append(compat)
        return compat

    client = RoutingLLMClient(
        default,
        {"openai_compat/": LazyLLMClient(build_compat), "local/": unused},
        models=["openai/gpt-4o", "anthropic/claude", "openai_compat/m"],
    )
    await client.warm_up()
    assert (default.warmed, compat.warmed, unused.warmed) == (1, 1, 0)
    assert built == [compat]  # the lazy route was built to be warmed


async def test_a_client_without_warm_up_is_left_as_it_is() -> None:
    client = RoutingLLMClient(ScriptedLLM(), models=["openai/gpt-4o"])
    await client.warm_up()  # nothing to load; no error


async def test_warming_the_gateway_routes_imports_litellm_for_litellm_models() -> None:
    client = routing_llm(["openai/gpt-4o"], None, freeze_heap=False)
    try:
        assert isinstance(client, RoutingLLMClient)
        await client.warm_up()
        assert "litellm" in sys.modules
    finally:
        await client.aclose()
