"""Which model and settings an execution uses: options > AGENT.md > gateway.yaml."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.agent import Guardrails, ModelConfig
from agent_gateway_core.domain.execution import ExecutionOptions
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.ports.llm_client import LLMRequest
from agent_gateway_core.testing import ScriptedLLM, ScriptedReply, reply, tool_call
from agent_gateway_core.workspace.state import ModelDefaults

pytestmark = pytest.mark.unit

WORKSPACE_MODEL = ModelDefaults(
    default="test/workspace",
    temperature=0.1,
    max_tokens=100,
    api_base="http://workspace.invalid",
    api_key="sk-workspace",
    timeout_seconds=30,
)


async def test_workspace_defaults_apply_when_the_agent_says_nothing(harness) -> None:
    engine = harness.engine(harness.agent(model=ModelConfig()), model=WORKSPACE_MODEL)

    await harness.run(engine)

    request = harness.llm.requests[0]
    assert request.model == "test/workspace"
    assert request.temperature == 0.1
    assert request.max_tokens == 100
    assert request.api_base == "http://workspace.invalid"
    assert request.api_key == "sk-workspace"
    assert request.timeout_seconds == 30


async def test_agent_settings_beat_the_workspace(harness) -> None:
    agent_model = ModelConfig(
        name="test/agent", temperature=0.7, max_tokens=500, api_base="http://agent.invalid"
    )
    engine = harness.engine(harness.agent(model=agent_model), model=WORKSPACE_MODEL)

    await harness.run(engine)

    request = harness.llm.requests[0]
    assert (request.model, request.temperature, request.max_tokens) == ("test/agent", 0.7, 500)
    assert request.api_base == "http://agent.invalid"
    assert request.api_key == "sk-workspace"


async def test_options_beat_the_agent(harness) -> None:
    agent_model = ModelConfig(name="test/agent", temperature=0.7, max_tokens=500)
    engine = harness.engine(harness.agent(model=agent_model), model=WORKSPACE_MODEL)
    options = ExecutionOptions(model="test/call", temperature=0.0, max_tokens=42)

    await harness.run(engine, options=options)

    request = harness.llm.requests[0]
    assert (request.model, request.temperature, request.max_tokens) == ("test/call", 0.0, 42)


async def test_options_model_makes_an_unconfigured_agent_runnable(harness) -> None:
    engine = harness.engine(harness.agent(model=ModelConfig()))

    result = await harness.run(engine, options=ExecutionOptions(model="test/call"))

    assert result.succeeded
    assert harness.llm.requests[0].model == "test/call"


async def test_guardrails_options_beat_agent_beat_workspace(harness) -> None:
    @harness.tools.tool
    def again() -> str:
        return "more"

    def loop_forever(_request: LLMRequest) -> ScriptedReply:
        return tool_call("again")

    harness.llm = ScriptedLLM(default=loop_forever)
    workspace_limits = Guardrails(max_iterations=5)
    plain = harness.agent("plain", tools=("again",))
    strict = harness.agent("strict", tools=("again",), guardrails=Guardrails(max_iterations=2))
    engine = harness.engine(plain, strict, guardrails=workspace_limits)

    by_workspace = await harness.run(engine, agent_id="plain")
    by_agent = await harness.run(engine, agent_id="strict")
    by_options = await harness.run(
        engine, agent_id="strict", options=ExecutionOptions(guardrails=Guardrails(max_iterations=4))
    )

    assert by_workspace.usage.llm_calls == 5
    assert by_agent.usage.llm_calls == 2
    assert by_options.usage.llm_calls == 4


async def test_plans_are_built_once_per_agent(harness) -> None:
    engine = harness.engine()
    harness.llm.push(reply("a"), reply("b"))

    first = engine.plan_for("helper")
    await harness.run(engine)
    await harness.run(engine)

    assert engine.plan_for("helper") is first


async def test_registering_a_tool_refreshes_the_plan(harness) -> None:
    engine = harness.engine(
        harness.agent(tools=("late",)),
    )
    with pytest.raises(ConfigError, match="unknown tool 'late'"):
        engine.plan_for("helper")

    @harness.tools.tool
    def late() -> str:
        return "here"

    assert [t.name for t in engine.plan_for("helper").tool_specs] == ["late"]
