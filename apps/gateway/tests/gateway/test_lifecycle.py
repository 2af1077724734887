"""Construction, properties, managed startup/shutdown and invoke errors, without model calls."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from agent_gateway import Gateway
from agent_gateway.gateway import OPENAPI_TAGS
from agent_gateway.heap import YOUNG_GENERATION_THRESHOLD
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.errors import (
    AgentNotFoundError,
    ConfigError,
    EngineUnavailableError,
    InputValidationError,
    WorkspaceError,
)
from agent_gateway_core.workspace import WorkspaceState

pytestmark = pytest.mark.unit

WriteWorkspace = Callable[..., Path]

SPEC_TAGS = [
    "Health", "Agents", "Chat", "Sessions", "Conversations", "Executions", "Schedules", "Tools",
    "Skills", "User Config", "Notifications", "Admin",
]  # fmt: skip

TYPED_AGENT = """\
---
description: Needs a ticket number.
input_schema:
  type: object
  properties:
    ticket:
      type: integer
  required: [ticket]
---
You handle tickets.
"""

# ---------------------------------------------------------------- constructor


def test_constructor_defaults_follow_the_spec() -> None:
    parameters = inspect.signature(Gateway.__init__).parameters
    assert parameters["workspace"].default == "./workspace"
    assert parameters["auth"].default is True
    assert parameters["reload"].default is False


async def test_the_default_workspace_is_dot_slash_workspace(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_workspace()
    monkeypatch.chdir(root.parent)
    async with Gateway() as gw:
        assert list(gw.agents) == ["assistant"]
        assert gw.services is not None
        assert gw.services.auth_enabled  # auth=True by default: on, though no key is set


def test_fastapi_kwargs_are_forwarded() -> None:
    gw = Gateway(title="Support agents", version="9.9.9", docs_url=None, description="Ours.")
    assert (gw.title, gw.version, gw.docs_url, gw.description) == (
        "Support agents",
        "9.9.9",
        None,
        "Ours.",
    )
    info = gw.openapi()["info"]
    assert (info["title"], info["version"]) == ("Support agents", "9.9.9")


def test_the_default_openapi_tags_are_the_twelve_groups_of_the_spec() -> None:
    assert [tag["name"] for tag in Gateway().openapi()["tags"]] == SPEC_TAGS
    assert [tag["name"] for tag in OPENAPI_TAGS] == SPEC_TAGS


def test_user_openapi_tags_are_appended_after_the_defaults() -> None:
    mine = [{"name": "Billing", "description": "Our billing routes."}, {"name": "Misc"}]
    tags = Gateway(openapi_tags=mine).openapi()["tags"]
    assert [tag["name"] for tag in tags] == [*SPEC_TAGS, "Billing", "Misc"]
    assert tags[-2] == mine[0]


def test_a_gateway_is_a_fastapi_app() -> None:
    assert isinstance(Gateway(), FastAPI)


# ---------------------------------------------------------------- properties


async def test_properties_are_empty_before_start_and_populated_after(
    write_workspace: WriteWorkspace,
) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)

    @gw.tool
    def lookup(term: str) -> str:
        """Look a term up."""
        return term

    for name in ("workspace", "tool_registry", "engine", "memory_manager", "scheduler"):
        assert getattr(gw, name) is None, name
    assert (gw.agents, gw.skills, gw.tools) == ({}, {}, {})
    assert gw.started is False

    async with gw:
        assert isinstance(gw.workspace, WorkspaceState)
        assert isinstance(gw.tool_registry, ToolRegistry)
        assert gw.engine is not None
        assert set(gw.agents) == {"assistant"}
        assert gw.agents["assistant"].prompt.strip() == "You are the assistant."
        assert set(gw.tools) == {"lookup"}
        assert gw.memory_manager is None  # none configured
        assert gw.scheduler is not None  # scheduler.enabled is true by default

    assert gw.workspace is None
    assert gw.agents == {}
    assert gw.tools == {}


async def test_skills_of_the_workspace_are_listed(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {"skills/triage/SKILL.md": "---\ndescription: Sort requests.\n---\nSort them.\n"}
    )
    async with Gateway(workspace=root, auth=False) as gw:
        assert set(gw.skills) == {"triage"}


# ---------------------------------------------------------------- managed lifecycle


async def test_managed_runs_startup_and_shutdown(write_workspace: WriteWorkspace) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)
    async with gw.managed() as managed:
        assert managed is gw
        assert gw.started
        assert (await gw.health())["status"] == "ok"
    assert not gw.started
    assert (await gw.health())["status"] == "starting"


async def test_a_gateway_can_start_again_after_shutdown(write_workspace: WriteWorkspace) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)
    async with gw:
        pass
    async with gw:
        assert gw.started


async def test_starting_twice_is_refused(write_workspace: WriteWorkspace) -> None:
    async with Gateway(workspace=write_workspace(), auth=False) as gw:
        with pytest.raises(RuntimeError, match="already started"):
            await gw.startup()


async def test_a_broken_workspace_stops_startup_with_every_problem(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(
        {
            "agents/one/AGENT.md": "---\nmodel: {max_tokens: 0}\n---\nOne.\n",
            "agents/two/AGENT.md": "---\nmodel: {temperature: 9}\n---\nTwo.\n",
        }
    )
    gw = Gateway(workspace=root, auth=False)
    with pytest.raises(WorkspaceError) as caught:
        await gw.startup()
    assert [(p.path, p.field) for p in caught.value.problems] == [
        ("agents/one/AGENT.md", "model.max_tokens"),
        ("agents/two/AGENT.md", "model.temperature"),
    ]
    assert not gw.started


async def test_an_agent_using_an_unknown_tool_stops_startup(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"agents/one/AGENT.md": "---\ntools: [nowhere]\n---\nOne.\n"})
    with pytest.raises(
        WorkspaceError, match=r"agent 'one' refers to unknown tool 'nowhere'"
    ) as caught:
        await Gateway(workspace=root, auth=False).startup()
    assert [p.path for p in caught.value.problems] == ["agents/one/AGENT.md"]


async def test_invoke_before_start_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not started") as caught:
        await Gateway().invoke("assistant", "hi")
    assert isinstance(caught.value, EngineUnavailableError)


async def test_chat_before_start_is_a_value_error() -> None:
    with pytest.raises(EngineUnavailableError, match="not started"):
        await Gateway().chat("assistant", "hi")


async def test_reload_before_start_is_refused() -> None:
    with pytest.raises(EngineUnavailableError, match="not started"):
        await Gateway().reload()


async def test_invoke_of_an_unknown_agent_is_a_value_error(
    write_workspace: WriteWorkspace,
) -> None:
    async with Gateway(workspace=write_workspace(), auth=False) as gw:
        with pytest.raises(ValueError, match="agent not found: 'nobody'") as caught:
            await gw.invoke("nobody", "hi")
    assert isinstance(caught.value, AgentNotFoundError)


async def test_invoke_validates_input_against_the_agents_schema(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"agents/tickets/AGENT.md": TYPED_AGENT})
    async with Gateway(workspace=root, auth=False) as gw:
        with pytest.raises(InputValidationError, match="ticket") as caught:
            await gw.invoke("tickets", "look at it", input={"ticket": "not a number"})
        assert caught.value.errors
        with pytest.raises(InputValidationError, match="ticket"):
            await gw.invoke("tickets", "look at it")


class TicketInput(BaseModel):
    ticket: int
    urgent: bool


async def test_set_input_schema_overrides_the_frontmatter(write_workspace: WriteWorkspace) -> None:
    gw = Gateway(workspace=write_workspace({"agents/tickets/AGENT.md": TYPED_AGENT}), auth=False)
    gw.set_input_schema("tickets", TicketInput)
    async with gw:
        with pytest.raises(InputValidationError, match="urgent"):
            await gw.invoke("tickets", "look", input={"ticket": 4})


async def test_session_and_execution_calls_before_start_answer_empty() -> None:
    gw = Gateway()
    assert gw.get_session("sess_000000000000") is None
    assert gw.delete_session("sess_000000000000") is False
    assert gw.list_sessions() == []
    assert await gw.cancel_execution("nope") is False
    assert gw.is_agent_enabled("assistant") is False


async def test_is_agent_enabled_follows_the_frontmatter(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"agents/off/AGENT.md": "---\nenabled: false\n---\nOff.\n"})
    async with Gateway(workspace=root, auth=False) as gw:
        assert gw.is_agent_enabled("assistant") is True
        assert gw.is_agent_enabled("off") is False
        assert gw.is_agent_enabled("missing") is False


async def test_cancel_execution_of_an_unknown_id_is_false(write_workspace: WriteWorkspace) -> None:
    async with Gateway(workspace=write_workspace(), auth=False) as gw:
        assert await gw.cancel_execution("00000000-0000-4000-8000-000000000000") is False


# ---------------------------------------------------------------- health


async def test_health_is_starting_before_start() -> None:
    report = await Gateway().health()
    assert report["status"] == "starting"
    assert report["version"]


async def test_health_reports_the_started_gateway(write_workspace: WriteWorkspace) -> None:
    async with Gateway(workspace=write_workspace(), auth=False) as gw:
        report = await gw.health()
    assert report["status"] == "ok"
    assert (report["agents"], report["skills"], report["tools"]) == (1, 0, 0)
    assert report["auth"] == "off"
    assert report["checks"] == {"persistence": "ok"}


# ---------------------------------------------------------------- mount_to errors


@pytest.mark.parametrize("path", ["", "/"])
def test_mount_to_refuses_an_empty_or_root_path(path: str) -> None:
    with pytest.raises(ConfigError, match="mount path"):
        Gateway().mount_to(FastAPI(), path=path)


async def test_mount_to_after_start_is_refused(write_workspace: WriteWorkspace) -> None:
    async with Gateway(workspace=write_workspace(), auth=False) as gw:
        with pytest.raises(ConfigError, match="before the gateway starts"):
            gw.mount_to(FastAPI(), path="/ai")


def test_mount_to_returns_the_parent() -> None:
    parent = FastAPI()
    assert Gateway().mount_to(parent, path="/ai") is parent
    assert Gateway().mount_to(FastAPI()).routes[-1].path == "/gateway"  # type: ignore[attr-defined]


# ---------------------------------------------------------------- tools and hooks (registration)


async def test_bare_tool_decorator_kebab_cases_the_function_name(
    write_workspace: WriteWorkspace,
) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)

    @gw.tool
    def search_docs(query: str) -> str:
        """Search the documentation."""
        return query

    assert search_docs("x") == "x"  # the decorator returns the function itself
    async with gw:
        spec = gw.tools["search-docs"].spec
    assert spec.name == "search-docs"
    assert spec.description == "Search the documentation."


class SearchRequest(BaseModel):
    query: str
    limit: int = 5


async def test_the_four_parameter_inference_modes(write_workspace: WriteWorkspace) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)

    @gw.tool(
        name="explicit",
        description="Explicit parameters.",
        parameters={"city": {"type": "string", "description": "City name"}},
        allowed_agents=["assistant"],
    )
    def explicit(city: str) -> str:
        return city

    @gw.tool
    def from_model(request: SearchRequest) -> str:
        return request.query

    @gw.tool
    def annotated(term: Annotated[str, "The term to define"], depth: int = 1) -> str:
        return term

    @gw.tool
    def bare(sku: str, quantity: int) -> str:
        return sku

    async with gw:
        tools = {name: gw.tools[name] for name in ("explicit", "from-model", "annotated", "bare")}

    assert tools["explicit"].spec.parameters == {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "City name"}},
        "required": ["city"],
    }
    assert tools["explicit"].spec.description == "Explicit parameters."
    assert tools["explicit"].allowed_agents == frozenset({"assistant"})
    assert tools["from-model"].spec.parameters == SearchRequest.model_json_schema()
    annotated_params = tools["annotated"].spec.parameters
    assert annotated_params["properties"]["term"] == {
        "type": "string",
        "description": "The term to define",
    }
    assert annotated_params["properties"]["depth"]["default"] == 1
    assert annotated_params["required"] == ["term"]
    assert tools["bare"].spec.parameters == {
        "type": "object",
        "properties": {
            "sku": {"type": "string", "description": "sku"},
            "quantity": {"type": "integer", "description": "quantity"},
        },
        "required": ["sku", "quantity"],
    }


def test_a_sync_hook_is_rejected_at_registration() -> None:
    gw = Gateway()

    def not_async(**kwargs: Any) -> None:
        return None

    with pytest.raises(TypeError, match="must be an async function"):
        gw.on("agent.invoke.before")(not_async)


def test_a_hook_for_an_unknown_event_is_rejected() -> None:
    async def hook(**kwargs: Any) -> None:
        return None

    with pytest.raises(ValueError, match=r"unknown hook event 'agent\.invoked'"):
        Gateway().on("agent.invoked")(hook)


def test_the_long_lived_heap_is_frozen_after_startup_and_young_collections_spaced_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import gc

    monkeypatch.setenv("AGENT_GATEWAY_SERVER__FREEZE_HEAP", "true")
    (tmp_path / "agents" / "a").mkdir(parents=True)
    (tmp_path / "agents" / "a" / "AGENT.md").write_text("---\nmodel: openai/x\n---\nHi\n")

    async def start_and_count() -> tuple[int, int]:
        async with Gateway(workspace=tmp_path, auth=False):
            return gc.get_freeze_count(), gc.get_threshold()[0]

    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        frozen, young_threshold = asyncio.run(start_and_count())
        assert frozen > 0
        assert young_threshold == YOUNG_GENERATION_THRESHOLD  # young collections spaced out
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
