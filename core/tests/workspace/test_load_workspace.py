"""Loading a valid workspace into a WorkspaceState."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway_core.domain.agent import (
    AgentDefinition,
    AgentScope,
    ContextFile,
    ExecutionMode,
    Guardrails,
    ScheduleSpec,
)
from agent_gateway_core.domain.skill import WorkflowStep
from agent_gateway_core.domain.tool import ToolContext, ToolSource
from agent_gateway_core.workspace import (
    ModelDefaults,
    WorkspaceState,
    check_workspace,
    load_workspace,
)
from agent_gateway_core.workspace.frontmatter_models import AgentFrontmatter

pytestmark = pytest.mark.unit

Write = Callable[[str, str], Path]


def write_weather_tool(write: Write) -> None:
    write(
        "tools/weather/TOOL.md",
        """
        ---
        description: Current weather for a city.
        parameters:
          city: {type: string, description: The city name}
          units: {type: string, enum: [metric, imperial], default: metric}
          days: {type: integer, required: false}
        timeout_seconds: 5
        allowed_agents: [assistant]
        require_approval: true
        idempotent: true
        ---
        """,
    )
    write(
        "tools/weather/handler.py",
        """
        async def handler(city, units="metric", days=None, context=None):
            return {"city": city, "units": units, "agent": context.agent_id if context else None}
        """,
    )


def write_full_workspace(write: Write) -> None:
    write(
        "gateway.yaml",
        """
        server: {port: 8000}
        model:
          default: openai/gpt-4o-mini
          temperature: 0.2
          api_key: ${OPENAI_API_KEY}
        guardrails: {max_iterations: 4, max_tool_calls: 8}
        """,
    )
    write(
        "agents/assistant/AGENT.md",
        """
        ---
        description: Answers questions
        display_name: Assistant
        tags: [support]
        skills: [research]
        tools: [weather, search-docs]
        model: {name: openai/gpt-4o, temperature: 0.5, max_tokens: 500, fallback: openai/gpt-4o-mini}
        memory: {enabled: true}
        execution_mode: async
        schedules:
          - {name: morning, cron: "0 9 * * mon-fri", message: Good morning, timezone: Europe/London}
        notifications:
          on_error: [{channel: slack, target: "#alerts"}]
        input_schema:
          type: object
          properties: {topic: {type: string}}
          required: [topic]
        scope: personal
        setup_schema: {type: object, properties: {api_token: {type: string}}}
        delegates_to: [writer]
        guardrails: {max_iterations: 3}
        ---
        You are a helpful assistant.
        """,
    )
    write("agents/assistant/context/b-policies.md", "Be polite.\n")
    write("agents/assistant/context/a-glossary.md", "SLA: service level agreement\n")
    write("agents/assistant/context/notes.txt", "not markdown, not context\n")
    write("agents/writer/AGENT.md", "You write.")
    write(
        "skills/research/SKILL.md",
        """
        ---
        description: Look things up
        tools: [weather]
        workflow:
          - {name: fetch, tool: weather, input: {city: Paris}, description: Get the weather}
          - name: compare
            parallel:
              - {name: london, tool: weather, input: {city: London}}
              - {name: rome, tool: weather, input: {city: Rome}}
        ---
        Research carefully.
        """,
    )
    write_weather_tool(write)


def test_full_workspace_loads(write: Write, root: Path) -> None:
    write_full_workspace(write)

    state = load_workspace(root, environ={"OPENAI_API_KEY": "sk-test"})

    assert isinstance(state, WorkspaceState)
    assert state.root == root.resolve()
    assert sorted(state.agents) == ["assistant", "writer"]
    assert list(state.skills) == ["research"]
    assert list(state.tools) == ["weather"]
    assert state.model == ModelDefaults(
        default="openai/gpt-4o-mini", temperature=0.2, api_key="sk-test"
    )
    assert state.guardrails == Guardrails(max_iterations=4, max_tool_calls=8)
    assert state.config["server"] == {"port": 8000}
    assert state.config["model"]["api_key"] == "sk-test"


def test_agent_frontmatter_and_body_become_the_definition(write: Write, root: Path) -> None:
    write_full_workspace(write)

    agent = load_workspace(root, environ={"OPENAI_API_KEY": "k"}).agents["assistant"]

    assert agent.id == "assistant"
    assert agent.name == "Assistant"
    assert agent.prompt == "You are a helpful assistant."
    assert agent.path == str(root.resolve() / "agents/assistant/AGENT.md")
    assert agent.tags == ("support",)
    assert agent.skills == ("research",)
    assert agent.tools == ("weather", "search-docs")  # search-docs may come from code later
    assert agent.model.name == "openai/gpt-4o"
    assert agent.model.fallback == ("openai/gpt-4o-mini",)
    assert agent.model.max_tokens == 500
    assert agent.memory.enabled is True
    assert agent.execution_mode is ExecutionMode.ASYNC
    assert agent.schedules == (
        ScheduleSpec(
            name="morning", cron="0 9 * * mon-fri", message="Good morning", timezone="Europe/London"
        ),
    )
    assert type(agent.schedules[0]) is ScheduleSpec
    assert agent.notifications.on_error[0].target == "#alerts"
    assert agent.input_schema is not None
    assert agent.input_schema["required"] == ["topic"]
    assert agent.scope is AgentScope.PERSONAL
    assert agent.setup_schema is not None
    assert agent.delegates_to == ("writer",)
    assert agent.guardrails == Guardrails(max_iterations=3)


def test_context_files_are_read_in_name_order(write: Write, root: Path) -> None:
    write_full_workspace(write)

    agent = load_workspace(root, environ={"OPENAI_API_KEY": "k"}).agents["assistant"]

    assert agent.context_files == (
        ContextFile(name="a-glossary.md", content="SLA: service level agreement\n"),
        ContextFile(name="b-policies.md", content="Be polite.\n"),
    )


def test_version_is_kept_as_text(write: Write, root: Path) -> None:
    write("agents/a/AGENT.md", "---\nversion: 1.2\n---\nHi")
    write("agents/b/AGENT.md", "---\nversion: 3\n---\nHi")
    write("agents/c/AGENT.md", "---\nversion: 2.0.1-beta\n---\nHi")
    write("agents/d/AGENT.md", "---\nversion: 2024-05-01\n---\nHi")
    write("agents/e/AGENT.md", "Hi")

    agents = load_workspace(root, environ={}).agents

    versions = {agent_id: agent.version for agent_id, agent in agents.items()}
    assert versions == {"a": "1.2", "b": "3", "c": "2.0.1-beta", "d": "2024-05-01", "e": None}


def test_listed_context_files_follow_the_context_directory(write: Write, root: Path) -> None:
    write("agents/a/AGENT.md", "---\ncontext: [docs/refunds.md, agents/a/notes.md]\n---\nHi")
    write("agents/a/context/glossary.md", "SLA: service level agreement\n")
    write("agents/a/notes.md", "Notes beside the agent.\n")
    write("docs/refunds.md", "\ufeffRefunds take 30 days.\n")

    agent = load_workspace(root, environ={}).agents["a"]

    assert agent.context_files == (
        ContextFile(name="glossary.md", content="SLA: service level agreement\n"),
        ContextFile(name="docs/refunds.md", content="Refunds take 30 days.\n"),
        ContextFile(name="agents/a/notes.md", content="Notes beside the agent.\n"),
    )


def test_behavior_md_and_the_shared_prompt_files(write: Write, root: Path) -> None:
    write("agents/AGENTS.md", "---\ntitle: shared\n---\nYou work for Acme.\n")
    write("agents/BEHAVIOR.md", "Never share secrets.\n")
    write("agents/a/AGENT.md", "You answer questions.")
    write("agents/a/BEHAVIOR.md", "---\nnote: ignored\n---\n\nBe brief.\n")
    write("agents/b/AGENT.md", "You write.")

    state = load_workspace(root, environ={})

    assert list(state.agents) == ["a", "b"]  # the two loose files are not agents
    assert (state.shared_prompt, state.shared_behavior) == (
        "You work for Acme.",
        "Never share secrets.",
    )
    assert state.agents["a"].behavior == "Be brief."
    assert state.agents["b"].behavior == ""


def test_agent_without_frontmatter_gets_defaults(write: Write, root: Path) -> None:
    write("agents/writer/AGENT.md", "You write.")

    agent = load_workspace(root, environ={}).agents["writer"]

    assert agent == AgentDefinition(
        id="writer", prompt="You write.", path=str(root.resolve() / "agents/writer/AGENT.md")
    )


def test_model_may_be_given_as_a_name_and_empty_keys_mean_unset(write: Write, root: Path) -> None:
    write("agents/a/AGENT.md", "---\nmodel: openai/gpt-4o\ntools:\ndisplay_name:\n---\nHi")

    agent = load_workspace(root, environ={}).agents["a"]

    assert agent.model.name == "openai/gpt-4o"
    assert agent.tools == ()
    assert agent.display_name is None


def test_skill_with_workflow(write: Write, root: Path) -> None:
    write_full_workspace(write)

    skill = load_workspace(root, environ={"OPENAI_API_KEY": "k"}).skills["research"]

    assert skill.id == "research"
    assert skill.name == "research"  # defaults to the directory name
    assert skill.description == "Look things up"
    assert skill.instructions == "Research carefully."
    assert skill.tools == ("weather",)
    assert skill.workflow[0] == WorkflowStep(
        name="fetch", tool="weather", input={"city": "Paris"}, description="Get the weather"
    )
    assert [step.name for step in skill.workflow[1].parallel] == ["london", "rome"]
    assert skill.path == str(root.resolve() / "skills/research/SKILL.md")


def test_skill_with_the_existing_products_steps(write: Write, root: Path) -> None:
    write_full_workspace(write)
    write(
        "skills/research/SKILL.md",
        """
        ---
        tools: [weather]
        steps:
          - {name: fetch, tool: weather, input: {city: $.input.city}}
          - name: compare
            tools:
              - {tool: weather, input: {city: London}}
              - {tool: weather, input: {city: $.steps.fetch.output}}
          - name: summary
            prompt: Compare the three cities.
            system_prompt: You are a weather reporter.
            input: {weather: $.steps.compare.output}
        ---
        """,
    )

    skill = load_workspace(root, environ={"OPENAI_API_KEY": "k"}).skills["research"]

    assert skill.workflow == (
        WorkflowStep(name="fetch", tool="weather", input={"city": "$.input.city"}),
        WorkflowStep(
            name="compare",
            parallel=(
                WorkflowStep(name="compare[0]", tool="weather", input={"city": "London"}),
                WorkflowStep(
                    name="compare[1]", tool="weather", input={"city": "$.steps.fetch.output"}
                ),
            ),
        ),
        WorkflowStep(
            name="summary",
            prompt="Compare the three cities.",
            input={"weather": "$.steps.compare.output"},
            description="answer it as this instruction says: You are a weather reporter.",
        ),
    )


def test_skill_name_can_be_set(write: Write, root: Path) -> None:
    write("skills/research/SKILL.md", "---\nname: Deep research\n---\n")

    assert load_workspace(root, environ={}).skills["research"].name == "Deep research"


def test_file_tool_spec_and_settings(write: Write, root: Path) -> None:
    write_full_workspace(write)

    tool = load_workspace(root, environ={"OPENAI_API_KEY": "k"}).tools["weather"]

    assert tool.source is ToolSource.FILE
    assert tool.path == str(root.resolve() / "tools/weather/TOOL.md")
    assert tool.spec.name == "weather"
    assert tool.spec.description == "Current weather for a city."
    assert tool.spec.parameters == {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "The city name"},
            "units": {"type": "string", "enum": ["metric", "imperial"], "default": "metric"},
            "days": {"type": "integer"},
        },
        "required": ["city"],
        "additionalProperties": False,
    }
    assert tool.timeout_seconds == 5
    assert tool.allowed_agents == frozenset({"assistant"})
    assert tool.require_approval is True
    assert tool.idempotent is True


async def test_async_handler_stays_async_and_receives_context(write: Write, root: Path) -> None:
    write_weather_tool(write)
    write("agents/assistant/AGENT.md", "Hi")

    handler = load_workspace(root, environ={}).tools["weather"].handler

    assert handler is not None
    assert inspect.iscoroutinefunction(handler)
    context = ToolContext(execution_id="e1", agent_id="assistant")
    assert await handler(city="Oslo", context=context) == {
        "city": "Oslo",
        "units": "metric",
        "agent": "assistant",
    }


def test_sync_handler_stays_sync(write: Write, root: Path) -> None:
    write(
        "tools/add/TOOL.md",
        "---\nparameters:\n  a: {type: integer}\n  b: {type: integer, default: 1}\n---\n",
    )
    write("tools/add/handler.py", "def handler(a: int, b: int = 1) -> int:\n    return a + b\n")

    tool = load_workspace(root, environ={}).tools["add"]

    assert tool.handler is not None
    assert not inspect.iscoroutinefunction(tool.handler)
    assert tool.handler(a=2, b=3) == 5
    assert tool.spec.parameters["required"] == ["a"]


def test_tool_name_can_differ_from_its_directory(write: Write, root: Path) -> None:
    write("tools/lookup/TOOL.md", "---\nname: lookup_v2\n---\n")
    write("tools/lookup/handler.py", "def handler():\n    return 1\n")

    tools = load_workspace(root, environ={}).tools

    assert list(tools) == ["lookup_v2"]
    assert tools["lookup_v2"].name == "lookup_v2"


def test_handler_with_kwargs_accepts_any_declared_parameter(write: Write, root: Path) -> None:
    write("tools/echo/TOOL.md", "---\nparameters:\n  text: {type: string}\n---\n")
    write("tools/echo/handler.py", "def handler(**params):\n    return params\n")

    handler = load_workspace(root, environ={}).tools["echo"].handler

    assert handler is not None
    assert handler(text="hi") == {"text": "hi"}


def test_handlers_import_their_own_sibling_modules(write: Write, root: Path) -> None:
    for tool, answer in (("first", 1), ("second", 2)):
        write(f"tools/{tool}/TOOL.md", "---\n---\n")
        write(f"tools/{tool}/helpers.py", f"ANSWER = {answer}\n")
        write(
            f"tools/{tool}/handler.py",
            """
            from dataclasses import dataclass

            from helpers import ANSWER


            @dataclass
            class Reply:
                value: int


            def handler():
                return Reply(ANSWER).value
            """,
        )
    path_before = list(sys.path)

    tools = load_workspace(root, environ={}).tools

    assert [tools[name].handler() for name in ("first", "second")] == [1, 2]
    assert sys.path == path_before
    assert "helpers" not in sys.modules


def test_handler_modules_get_unique_names(write: Write, root: Path) -> None:
    write("tools/my-tool/TOOL.md", "---\n---\n")
    write("tools/my-tool/handler.py", "def handler():\n    return __name__\n")

    handler = load_workspace(root, environ={}).tools["my-tool"].handler

    assert handler is not None
    name = handler()
    assert name.startswith("agent_gateway_workspace_tools.my_tool_")
    assert sys.modules[name].handler is handler


def test_empty_workspace_loads(root: Path) -> None:
    state = load_workspace(root, environ={})

    assert (dict(state.agents), dict(state.skills), dict(state.tools)) == ({}, {}, {})
    assert state.model == ModelDefaults()
    assert state.guardrails == Guardrails()
    assert state.config == {}
    assert (state.shared_prompt, state.shared_behavior) == ("", "")
    assert check_workspace(root, environ={}) == []


def test_hidden_entries_and_loose_files_are_ignored(write: Write, root: Path) -> None:
    write("agents/.hidden/AGENT.md", "---\nnot: valid\n---\n")
    write("agents/README.md", "About the agents")
    write("agents/a/context/.draft.md", "ignored")
    write("agents/a/AGENT.md", "Hi")

    state = load_workspace(root, environ={})

    assert list(state.agents) == ["a"]
    assert state.agents["a"].context_files == ()


def test_loaded_mappings_are_read_only(write: Write, root: Path) -> None:
    write("agents/a/AGENT.md", "Hi")

    state = load_workspace(root, environ={})

    with pytest.raises(TypeError):
        state.agents["b"] = state.agents["a"]


def test_env_defaults_apply_and_os_environ_is_the_default_source(
    write: Write, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        "gateway.yaml",
        "model:\n  default: ${AG_TEST_MODEL:-openai/gpt-4o-mini}\n  api_base: ${AG_TEST_BASE}\n",
    )
    monkeypatch.setenv("AG_TEST_BASE", "http://127.0.0.1:9999/v1")

    state = load_workspace(str(root))

    assert state.model.default == "openai/gpt-4o-mini"
    assert state.model.api_base == "http://127.0.0.1:9999/v1"


def test_env_values_are_coerced_by_the_section_model(write: Write, root: Path) -> None:
    write("gateway.yaml", "model:\n  temperature: ${TEMP}\n  max_tokens: ${MAX:-256}\n")

    model = load_workspace(root, environ={"TEMP": "0.7"}).model

    assert (model.temperature, model.max_tokens) == (0.7, 256)


def test_agent_frontmatter_covers_every_authored_agent_field() -> None:
    # Set by the loader, not written in frontmatter.
    derived = {"id", "prompt", "behavior", "path", "context_files"}
    # Read by the loader into context_files.
    read = {"context"}

    assert set(AgentFrontmatter.model_fields) - read == set(AgentDefinition.model_fields) - derived
