"""Runtime: invoke, chat sessions, cancel, reload, lifecycle — the core embedded with fakes."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from agent_gateway_core import ExecutionOptions, ExecutionStatus, Runtime
from agent_gateway_core.domain.agent import AgentDefinition, ModelConfig
from agent_gateway_core.domain.execution import ExecutionResult
from agent_gateway_core.domain.messages import Message, Role
from agent_gateway_core.domain.tool import ToolDefinition, ToolSource, ToolSpec
from agent_gateway_core.engine.request import StreamDelta, StreamStarted
from agent_gateway_core.errors import AgentNotFoundError, SessionNotFoundError
from agent_gateway_core.ports.llm_client import LLMRequest
from agent_gateway_core.testing import (
    InMemoryPersistence,
    ManualClock,
    ScriptedLLM,
    ScriptedReply,
    StaticToolProvider,
    reply,
    tool_call,
)
from agent_gateway_core.workspace.state import WorkspaceState

pytestmark = pytest.mark.unit

MODEL = ModelConfig(name="test/model")


def workspace(
    *agents: AgentDefinition, tools: dict[str, ToolDefinition] | None = None
) -> WorkspaceState:
    agents = agents or (AgentDefinition(id="helper", prompt="You help.", model=MODEL),)
    return WorkspaceState(root=None, agents={a.id: a for a in agents}, tools=tools or {})


@pytest.fixture
def llm() -> ScriptedLLM:
    return ScriptedLLM()


@pytest.fixture
def persistence() -> InMemoryPersistence:
    return InMemoryPersistence()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def runtime(llm, persistence, clock) -> Runtime:
    return Runtime(workspace=workspace(), llm=llm, persistence=persistence, clock=clock)


def user_contents(llm: ScriptedLLM, index: int) -> list[str | None]:
    return [m.content for m in llm.requests[index].messages if m.role is not Role.SYSTEM]


# ---------------------------------------------------------------- invoke


async def test_invoke_runs_the_agent(runtime, llm, persistence) -> None:
    llm.push(reply("Hello back"))

    result = await runtime.invoke("helper", "Hello!", user_id="u1")

    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.raw_text == "Hello back"
    record = await persistence.executions.get(result.execution_id)
    assert record.user_id == "u1"


async def test_invoke_unknown_agent_raises_value_error(runtime) -> None:
    with pytest.raises(AgentNotFoundError, match="'ghost'"):
        await runtime.invoke("ghost", "hi")
    with pytest.raises(ValueError, match="'ghost'"):
        await runtime.invoke("ghost", "hi")


async def test_is_agent_enabled(llm, persistence) -> None:
    ws = workspace(
        AgentDefinition(id="on", model=MODEL), AgentDefinition(id="off", model=MODEL, enabled=False)
    )
    runtime = Runtime(workspace=ws, llm=llm, persistence=persistence)

    assert runtime.is_agent_enabled("on") is True
    assert runtime.is_agent_enabled("off") is False
    assert runtime.is_agent_enabled("missing") is False


async def test_code_registered_tools_and_output_schema(runtime, llm) -> None:
    class Weather(BaseModel):
        city: str
        celsius: int

    @runtime.tool
    def current_temperature(city: str) -> int:
        """Current temperature of a city."""
        return 21

    runtime.reload(
        workspace(AgentDefinition(id="helper", model=MODEL, tools=("current-temperature",)))
    )
    runtime.set_output_schema("helper", Weather)
    llm.push(
        tool_call("current-temperature", {"city": "Rome"}),
        reply('{"city": "Rome", "celsius": 21}'),
    )

    result = await runtime.invoke("helper", "How warm is Rome?")

    assert result.output == Weather(city="Rome", celsius=21)
    assert llm.requests[1].messages[-1].content == "21"


async def test_options_output_schema_beats_set_output_schema(runtime, llm) -> None:
    runtime.set_output_schema("helper", {"type": "object", "required": ["a"]})
    llm.push(reply('{"b": 1}'))

    result = await runtime.invoke(
        "helper", "x", options=ExecutionOptions(output_schema={"type": "object", "required": ["b"]})
    )

    assert result.output == {"b": 1}


async def test_set_output_schema_for_an_unknown_agent_warns(runtime, caplog) -> None:
    runtime.set_output_schema("later-agent", {"type": "object"})

    assert "schema set for agent 'later-agent'" in caplog.text


async def test_cancel_execution_stops_a_running_invoke(runtime, llm, persistence) -> None:
    llm.push(ScriptedReply(hang=True))
    started: list[str] = []
    calling = asyncio.Event()

    async def remember(execution_id: str, **_: Any) -> None:
        started.append(execution_id)
        calling.set()

    runtime.on("llm.call.before", remember)
    task = asyncio.create_task(runtime.invoke("helper", "slow"))
    await asyncio.wait_for(calling.wait(), timeout=1)

    assert runtime.cancel_execution(started[0]) is True
    result = await asyncio.wait_for(task, timeout=1)

    assert result.status is ExecutionStatus.CANCELLED
    assert runtime.cancel_execution(started[0]) is False
    assert runtime.cancel_execution("unknown") is False


# ---------------------------------------------------------------- chat


async def test_chat_keeps_history_across_turns(runtime, llm, persistence) -> None:
    llm.push(reply("Hi Ada"), reply("Your name is Ada"))

    session_id, _first = await runtime.chat("helper", "I am Ada", user_id="u1")
    same_id, second = await runtime.chat("helper", "Who am I?", session_id=session_id, user_id="u1")

    assert session_id.startswith("sess_")
    assert len(session_id) == len("sess_") + 12
    assert same_id == session_id
    assert second.raw_text == "Your name is Ada"
    assert user_contents(llm, 1) == ["I am Ada", "Hi Ada", "Who am I?"]
    session = runtime.get_session(session_id)
    assert [(m.role, m.content) for m in session.messages] == [
        (Role.USER, "I am Ada"),
        (Role.ASSISTANT, "Hi Ada"),
        (Role.USER, "Who am I?"),
        (Role.ASSISTANT, "Your name is Ada"),
    ]
    stored = await persistence.conversations.list_messages(session_id)
    assert [m.message.content for m in stored] == [
        "I am Ada",
        "Hi Ada",
        "Who am I?",
        "Your name is Ada",
    ]
    assert [m.seq for m in stored] == [1, 2, 3, 4]
    assert stored[2].execution_id == second.execution_id
    conversation = await persistence.conversations.get(session_id)
    assert (conversation.agent_id, conversation.user_id, conversation.title) == (
        "helper",
        "u1",
        "I am Ada",
    )
    record = await persistence.executions.get(second.execution_id)
    assert record.session_id == session_id
    assert record.kind == "chat"


async def test_chat_input_is_merged_into_session_metadata(runtime, llm, persistence) -> None:
    session_id, _ = await runtime.chat("helper", "hi", input={"plan": "pro"})
    await runtime.chat("helper", "again", session_id=session_id, input={"locale": "fr"})

    assert runtime.get_session(session_id).metadata == {"plan": "pro", "locale": "fr"}
    assert '"locale": "fr"' in llm.requests[1].messages[0].content
    conversation = await persistence.conversations.get(session_id)
    assert conversation.metadata == {"plan": "pro", "locale": "fr"}


async def test_failed_turn_leaves_history_unchanged(runtime, llm) -> None:
    llm.push(reply("first answer"), ScriptedReply(status=500), reply("third answer"))
    session_id, _ = await runtime.chat("helper", "one")

    _, failed = await runtime.chat("helper", "two", session_id=session_id)
    _, third = await runtime.chat("helper", "three", session_id=session_id)

    assert failed.status is ExecutionStatus.FAILED
    assert third.succeeded
    assert user_contents(llm, 2) == ["one", "first answer", "three"]


async def test_first_turn_failing_still_gives_a_usable_session(runtime, llm, persistence) -> None:
    llm.push(ScriptedReply(status=500), reply("works now"))

    session_id, failed = await runtime.chat("helper", "one")
    _, ok = await runtime.chat("helper", "two", session_id=session_id)

    assert failed.status is ExecutionStatus.FAILED
    assert ok.succeeded
    stored = await persistence.conversations.list_messages(session_id)
    assert [m.message.content for m in stored] == ["two", "works now"]


async def test_unknown_session_is_not_found(runtime) -> None:
    with pytest.raises(SessionNotFoundError, match="sess_000000000000"):
        await runtime.chat("helper", "hi", session_id="sess_000000000000")


async def test_unknown_agent_creates_no_session(runtime) -> None:
    with pytest.raises(AgentNotFoundError):
        await runtime.chat("ghost", "hi")

    assert runtime.list_sessions() == []


async def test_sessions_expire_after_their_ttl(llm, persistence, clock) -> None:
    runtime = Runtime(
        workspace=workspace(),
        llm=llm,
        persistence=persistence,
        clock=clock,
        session_ttl_seconds=60,
    )
    session_id, _ = await runtime.chat("helper", "hi")

    clock.advance(59)
    assert runtime.get_session(session_id) is not None
    clock.advance(2)

    assert runtime.get_session(session_id) is None
    assert runtime.list_sessions() == []


async def test_expired_session_is_rehydrated_from_the_store(llm, persistence, clock) -> None:
    runtime = Runtime(
        workspace=workspace(),
        llm=llm,
        persistence=persistence,
        clock=clock,
        session_ttl_seconds=60,
    )
    llm.push(reply("noted"), reply("you said remember 42"))
    session_id, _ = await runtime.chat("helper", "remember 42", user_id="u1")
    clock.advance(120)

    _, result = await runtime.chat("helper", "what did I say?", session_id=session_id, user_id="u1")

    assert result.raw_text == "you said remember 42"
    assert user_contents(llm, 1) == ["remember 42", "noted", "what did I say?"]
    assert len(runtime.get_session(session_id).messages) == 4


async def test_session_survives_a_restart_through_the_store(llm, persistence) -> None:
    first = Runtime(workspace=workspace(), llm=llm, persistence=persistence)
    session_id, _ = await first.chat("helper", "hello", input={"team": "blue"})

    restarted = Runtime(workspace=workspace(), llm=llm, persistence=persistence)
    _, result = await restarted.chat("helper", "still there?", session_id=session_id)

    assert result.succeeded
    assert user_contents(llm, 1) == ["hello", "echo: hello", "still there?"]
    assert restarted.get_session(session_id).metadata == {"team": "blue"}


async def test_another_users_session_is_not_found(runtime, llm, persistence) -> None:
    session_id, _ = await runtime.chat("helper", "mine", user_id="alice")

    with pytest.raises(SessionNotFoundError):
        await runtime.chat("helper", "peek", session_id=session_id, user_id="bob")

    restarted = Runtime(workspace=workspace(), llm=llm, persistence=persistence)
    with pytest.raises(SessionNotFoundError):
        await restarted.chat("helper", "peek", session_id=session_id, user_id="bob")
    assert restarted.get_session(session_id) is None


async def test_a_session_belongs_to_one_agent(llm, persistence) -> None:
    ws = workspace(AgentDefinition(id="a", model=MODEL), AgentDefinition(id="b", model=MODEL))
    runtime = Runtime(workspace=ws, llm=llm, persistence=persistence)
    session_id, _ = await runtime.chat("a", "hi")

    with pytest.raises(SessionNotFoundError):
        await runtime.chat("b", "hi", session_id=session_id)


async def test_concurrent_turns_of_one_session_run_one_after_the_other(runtime, llm) -> None:
    session_id, _ = await runtime.chat("helper", "start")
    llm.push(ScriptedReply(content="first", delay_seconds=0.05), reply("second"))

    results = await asyncio.gather(
        runtime.chat("helper", "turn A", session_id=session_id),
        runtime.chat("helper", "turn B", session_id=session_id),
    )

    assert [r.raw_text for _, r in results] == ["first", "second"]
    # Turn B started only after turn A was recorded, so it saw turn A in its history.
    assert user_contents(llm, 2) == ["start", "echo: start", "turn A", "first", "turn B"]


async def test_least_recently_used_session_is_evicted(llm, persistence) -> None:
    runtime = Runtime(workspace=workspace(), llm=llm, persistence=persistence, max_sessions=2)
    first, _ = await runtime.chat("helper", "1")
    second, _ = await runtime.chat("helper", "2")
    await runtime.chat("helper", "again", session_id=first)  # first is now the most recent
    third, _ = await runtime.chat("helper", "3")

    assert runtime.get_session(second) is None
    assert runtime.get_session(first) is not None
    assert runtime.get_session(third) is not None


async def test_list_sessions_newest_first_filtered_and_capped(llm, persistence, clock) -> None:
    ws = workspace(AgentDefinition(id="a", model=MODEL), AgentDefinition(id="b", model=MODEL))
    runtime = Runtime(workspace=ws, llm=llm, persistence=persistence, clock=clock)
    ids = []
    for agent_id in ("a", "b", "a"):
        session_id, _ = await runtime.chat(agent_id, "hi", user_id="u1")
        ids.append(session_id)
        clock.advance(1)

    assert [s.id for s in runtime.list_sessions()] == ids[::-1]
    assert [s.id for s in runtime.list_sessions(agent_id="a")] == [ids[2], ids[0]]
    assert [s.id for s in runtime.list_sessions(limit=1)] == [ids[2]]
    assert runtime.list_sessions(user_id="someone-else") == []


async def test_delete_session(runtime) -> None:
    session_id, _ = await runtime.chat("helper", "hi")

    assert runtime.delete_session(session_id) is True
    assert runtime.get_session(session_id) is None
    assert runtime.delete_session(session_id) is False


async def test_get_session_returns_a_copy(runtime) -> None:
    session_id, _ = await runtime.chat("helper", "hi")

    runtime.get_session(session_id).messages.append(Message.user("tampered"))

    assert len(runtime.get_session(session_id).messages) == 2


async def test_stream_chat_yields_session_deltas_and_result(runtime, llm) -> None:
    llm.push(reply("streamed answer"))

    items = [item async for item in runtime.stream_chat("helper", "go", user_id="u1")]

    started, *deltas, result = items
    assert isinstance(started, StreamStarted)
    assert started.session_id.startswith("sess_")
    assert "".join(d.text for d in deltas if isinstance(d, StreamDelta)) == "streamed answer"
    assert isinstance(result, ExecutionResult)
    session = runtime.get_session(started.session_id)
    assert [m.content for m in session.messages] == ["go", "streamed answer"]


# ---------------------------------------------------------------- reload


async def test_reload_is_atomic_for_in_flight_executions(persistence) -> None:
    gate = asyncio.Event()
    entered = asyncio.Event()

    async def wait_for_gate() -> str:
        entered.set()
        await gate.wait()
        return "released"

    old_tool = ToolDefinition(
        spec=ToolSpec(name="gate"), handler=wait_for_gate, source=ToolSource.FILE
    )
    old = workspace(
        AgentDefinition(id="helper", prompt="OLD PROMPT", model=MODEL, tools=("gate",)),
        tools={"gate": old_tool},
    )
    new = workspace(AgentDefinition(id="helper", prompt="NEW PROMPT", model=MODEL))

    def answer(request: LLMRequest) -> ScriptedReply:
        if request.messages[0].content == "NEW PROMPT":
            return reply("new answer")
        if request.messages[-1].role is Role.TOOL:
            return reply("old finished")
        return tool_call("gate")

    llm = ScriptedLLM(default=answer)
    runtime = Runtime(workspace=old, llm=llm, persistence=persistence)

    in_flight = asyncio.create_task(runtime.invoke("helper", "slow"))
    await asyncio.wait_for(entered.wait(), timeout=1)
    runtime.reload(new)
    fresh = await runtime.invoke("helper", "fast")
    gate.set()
    old_result = await asyncio.wait_for(in_flight, timeout=1)

    assert old_result.raw_text == "old finished"
    prompts = [r.messages[0].content for r in llm.requests]
    assert prompts == ["OLD PROMPT", "NEW PROMPT", "OLD PROMPT"]
    assert [t.name for t in llm.requests[0].tools] == ["gate"]
    assert llm.requests[1].tools == ()
    assert fresh.raw_text == "new answer"
    assert runtime.workspace is new
    assert runtime.tool_registry.get("gate") is None


async def test_code_schemas_and_tools_survive_reload(runtime, llm) -> None:
    @runtime.tool
    def ping() -> str:
        return "pong"

    runtime.set_output_schema("helper", {"type": "object"})
    runtime.reload(workspace(AgentDefinition(id="helper", model=MODEL, tools=("ping",))))
    llm.push(reply("{}"))

    result = await runtime.invoke("helper", "x")

    assert result.output == {}
    assert [t.name for t in llm.requests[0].tools] == ["ping"]


# ---------------------------------------------------------------- lifecycle


async def test_async_with_refreshes_providers_and_closes_what_it_owns(llm, persistence) -> None:
    provider = StaticToolProvider("files", {"read": (ToolSpec(name="read"), lambda: "content")})
    ws = workspace(AgentDefinition(id="helper", model=MODEL, mcp_servers=("files",)))

    async with Runtime(
        workspace=ws, llm=llm, persistence=persistence, tool_providers=[provider]
    ) as runtime:
        assert runtime.tool_registry.get("files__read") is not None
        llm.push(tool_call("files__read"), reply("read it"))
        result = await runtime.invoke("helper", "read")
        assert result.succeeded

    assert llm.closed is True
    assert provider.closed is True
    await runtime.aclose()  # twice is harmless


async def test_embedded_loads_a_workspace_directory(tmp_path: Path, llm) -> None:
    (tmp_path / "gateway.yaml").write_text("model:\n  default: test/from-yaml\n", encoding="utf-8")
    agent_dir = tmp_path / "agents" / "greeter"
    agent_dir.mkdir(parents=True)
    (agent_dir / "AGENT.md").write_text(
        textwrap.dedent(
            """\
            ---
            description: Greets people
            ---
            You greet people warmly.
            """
        ),
        encoding="utf-8",
    )
    llm.push(reply("Welcome!"))

    async with await Runtime.embedded(tmp_path, llm=llm) as runtime:
        result = await runtime.invoke("greeter", "hi")

    assert result.raw_text == "Welcome!"
    request = llm.requests[0]
    assert request.model == "test/from-yaml"
    assert request.messages[0].content == "You greet people warmly."
    assert llm.closed is True


def test_the_docstring_example_runs(capsys) -> None:
    doc = textwrap.dedent(Runtime.__doc__.split("::", 1)[1])
    exec(compile(doc, "Runtime docstring", "exec"), {})

    assert capsys.readouterr().out.splitlines() == ["succeeded echo: Hello!", "4"]


def test_session_limits_must_be_positive(llm, persistence) -> None:
    with pytest.raises(ValueError, match="ttl_seconds and max_sessions must be positive"):
        Runtime(workspace=workspace(), llm=llm, persistence=persistence, session_ttl_seconds=0)
