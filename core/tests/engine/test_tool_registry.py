"""ToolRegistry: registration, providers, and which tools an agent gets."""

from __future__ import annotations

import logging

import pytest

from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.domain.skill import SkillDefinition, WorkflowStep
from agent_gateway_core.domain.tool import ToolContext, ToolDefinition, ToolSource, ToolSpec
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.testing import StaticToolProvider, reply, tool_call

pytestmark = pytest.mark.unit


def file_tool(name: str) -> ToolDefinition:
    return ToolDefinition(
        spec=ToolSpec(name=name), handler=lambda: name, source=ToolSource.FILE, path=f"tools/{name}"
    )


def names(tools: tuple[ToolDefinition, ...]) -> list[str]:
    return [t.name for t in tools]


def weather_provider() -> StaticToolProvider:
    return StaticToolProvider(
        "weather",
        {
            "forecast": (
                ToolSpec(
                    name="forecast",
                    description="Forecast for a city",
                    parameters={
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                        "required": ["city"],
                    },
                ),
                lambda city: f"sunny in {city}",
            ),
            "alerts": (ToolSpec(name="alerts"), list),
        },
    )


def test_agent_gets_its_tools_and_its_skills_tools_once_in_order() -> None:
    registry = ToolRegistry({n: file_tool(n) for n in ("a", "b", "c")})
    skills = {"s": SkillDefinition(id="s", name="S", tools=("b", "c", "a"))}
    agent = AgentDefinition(id="x", tools=("a",), skills=("s",))

    assert names(registry.tools_for(agent, skills)) == ["a", "b", "c"]


def test_an_agent_also_gets_the_tools_its_skills_workflows_call() -> None:
    registry = ToolRegistry({n: file_tool(n) for n in ("a", "b", "c")})
    workflow = (
        WorkflowStep(name="first", tool="b"),
        WorkflowStep(name="both", parallel=(WorkflowStep(name="x", tool="c"),)),
        WorkflowStep(name="gone", tool="undefined"),  # checked at load; not offered here
    )
    skills = {"s": SkillDefinition(id="s", name="S", tools=("a",), workflow=workflow)}
    agent = AgentDefinition(id="x", skills=("s",))

    assert names(registry.tools_for(agent, skills)) == ["a", "b", "c"]


def test_missing_tools_and_skills_are_all_named() -> None:
    registry = ToolRegistry({"a": file_tool("a")})
    skills = {"s": SkillDefinition(id="s", name="S", tools=("gone",))}
    agent = AgentDefinition(id="x", tools=("a", "nope"), skills=("s", "no-skill"))

    with pytest.raises(ConfigError) as caught:
        registry.tools_for(agent, skills)

    message = str(caught.value)
    assert "agent 'x'" in message
    assert "tool 'nope' (from tools:)" in message
    assert "tool 'gone' (from skill 's')" in message
    assert "skill 'no-skill'" in message


def test_allowed_agents_excludes_other_agents() -> None:
    registry = ToolRegistry()

    @registry.tool(allowed_agents=["support"])
    def refund() -> str:
        return "ok"

    skills: dict[str, SkillDefinition] = {}
    assert names(registry.tools_for(AgentDefinition(id="support", tools=("refund",)), skills)) == [
        "refund"
    ]
    assert names(registry.tools_for(AgentDefinition(id="sales", tools=("refund",)), skills)) == []


def test_code_tools_win_over_file_tools_of_the_same_name() -> None:
    registry = ToolRegistry({"lookup": file_tool("lookup")})

    @registry.tool
    def lookup() -> str:
        return "code"

    assert registry.get("lookup").source is ToolSource.CODE
    assert registry.all()["lookup"].source is ToolSource.CODE


def test_registering_a_name_twice_is_a_config_error() -> None:
    registry = ToolRegistry()
    registry.register(lambda: 1, name="one")

    with pytest.raises(ConfigError, match="a tool named 'one' is already registered"):
        registry.register(lambda: 2, name="one")


def test_double_underscore_is_reserved_for_providers() -> None:
    with pytest.raises(ConfigError, match="must not contain '__'"):
        ToolRegistry().register(lambda: 1, name="my__tool")


def test_code_tools_and_providers_survive_a_workspace_swap() -> None:
    registry = ToolRegistry({"old": file_tool("old")})
    registry.register(lambda: 1, name="kept")

    reloaded = registry.with_workspace_tools({"new": file_tool("new")})

    assert set(reloaded.all()) == {"kept", "new"}
    assert set(registry.all()) == {"kept", "old"}
    registry.register(lambda: 2, name="later")
    assert reloaded.get("later") is not None


async def test_provider_tools_are_prefixed_and_callable() -> None:
    registry = ToolRegistry()
    registry.add_provider(weather_provider())
    await registry.refresh_providers()

    forecast = registry.get("weather__forecast")
    assert forecast is not None
    assert forecast.source is ToolSource.PROVIDER
    assert forecast.spec.description == "Forecast for a city"
    context = ToolContext(execution_id="e", agent_id="a")
    assert await registry.call_provider_tool(forecast, {"city": "Oslo"}, context) == "sunny in Oslo"


async def test_agents_get_all_tools_of_their_mcp_servers() -> None:
    registry = ToolRegistry()
    registry.add_provider(weather_provider())
    await registry.refresh_providers()

    agent = AgentDefinition(id="x", mcp_servers=("weather",))

    assert names(registry.tools_for(agent, {})) == ["weather__forecast", "weather__alerts"]


async def test_unreachable_provider_keeps_its_last_tools(caplog) -> None:
    provider = weather_provider()
    registry = ToolRegistry()
    registry.add_provider(provider)
    await registry.refresh_providers()
    provider.available = False

    with caplog.at_level(logging.WARNING):
        await registry.refresh_providers()

    assert registry.get("weather__forecast") is not None
    assert "tool provider 'weather' could not list its tools" in caplog.text


def test_adding_a_provider_twice_is_a_config_error() -> None:
    registry = ToolRegistry()
    registry.add_provider(weather_provider())

    with pytest.raises(ConfigError, match="a tool provider named 'weather' is already registered"):
        registry.add_provider(weather_provider())


async def test_engine_runs_provider_tools(harness) -> None:
    harness.tools.add_provider(weather_provider())
    await harness.tools.refresh_providers()
    harness.llm.push(tool_call("weather__forecast", {"city": "Rome"}), reply("Sunny."))
    engine = harness.engine(harness.agent(mcp_servers=("weather",)))

    result = await harness.run(engine)

    assert result.succeeded
    assert harness.llm.requests[1].messages[-1].content == "sunny in Rome"
