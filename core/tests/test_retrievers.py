"""Retrievers of either protocol: detection at registration, the keyword adapter, and the
initialize/close hooks the Runtime runs once each."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any

import pytest

from agent_gateway_core import Runtime
from agent_gateway_core.domain.agent import AgentDefinition, ModelConfig
from agent_gateway_core.errors import BackendUnavailableError, ConfigError
from agent_gateway_core.ports.retriever import RetrievalQuery
from agent_gateway_core.retrievers import KeywordRetrieverAdapter, RetrieverSet, as_retriever
from agent_gateway_core.testing import InMemoryPersistence, ScriptedLLM, StaticRetriever
from agent_gateway_core.workspace.state import WorkspaceState

pytestmark = pytest.mark.unit

QUERY = RetrievalQuery(query="refunds", agent_id="support")


class ReferenceRetriever:
    """Written for agents-gateway 0.2: keyword ``retrieve``, async hooks, calls recorded."""

    def __init__(self, chunks: list[str], calls: list[str] | None = None) -> None:
        self.chunks = chunks
        self.calls = calls if calls is not None else []

    async def initialize(self) -> None:
        self.calls.append("initialize")

    async def retrieve(self, *, query: str, agent_id: str) -> list[str]:
        self.calls.append(f"retrieve {query!r} for {agent_id}")
        return list(self.chunks)

    async def close(self) -> None:
        self.calls.append("close")


class PortRetrieverWithSyncHooks(StaticRetriever):
    """Our port, with the optional hooks written as plain methods."""

    def __init__(self, passages: list[str], calls: list[str]) -> None:
        super().__init__(passages)
        self.calls = calls

    def initialize(self) -> None:
        self.calls.append("initialize")

    def close(self) -> None:
        self.calls.append("close")


def runtime_with(llm: ScriptedLLM, registered: dict[str, Any], **agent: Any) -> Runtime:
    definition = AgentDefinition(
        id="support", prompt="You answer.", model=ModelConfig(name="test/model"), **agent
    )
    return Runtime(
        workspace=WorkspaceState(root=None, agents={"support": definition}),
        llm=llm,
        persistence=InMemoryPersistence(),
        retrievers=registered,
    )


# ---------------------------------------------------------------- detection


def test_a_port_retriever_is_registered_as_is() -> None:
    retriever = StaticRetriever(["a"])
    assert as_retriever("kb", retriever) is retriever


def test_a_keyword_retriever_is_wrapped() -> None:
    inner = ReferenceRetriever(["a"])
    adapted = as_retriever("kb", inner)
    assert isinstance(adapted, KeywordRetrieverAdapter)
    assert adapted.inner is inner
    # An adapter is itself a port: registering it again keeps it.
    assert as_retriever("kb", adapted) is adapted


def test_keywords_passed_by_position_or_keyword_also_count() -> None:
    class Positional:
        async def retrieve(self, query: str, agent_id: str) -> list[str]:
            return [query]

    assert isinstance(as_retriever("kb", Positional()), KeywordRetrieverAdapter)


def test_a_decorated_async_retrieve_is_accepted() -> None:
    def traced(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

        return wrapper

    class Traced:
        @traced
        async def retrieve(self, *, query: str, agent_id: str) -> list[str]:
            return [query]

    assert isinstance(as_retriever("kb", Traced()), KeywordRetrieverAdapter)


class NoRetrieve:
    async def search(self, query: str) -> list[str]:
        return []


class WrongShape:
    async def retrieve(self, text: str, top_k: int) -> list[str]:
        return []


class SyncRetrieve:
    def retrieve(self, *, query: str, agent_id: str) -> list[str]:
        return []


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        (NoRetrieve(), "has no retrieve"),
        (WrongShape(), "follows no retriever protocol"),
        (SyncRetrieve(), "must be a coroutine"),
        ("not a retriever", "has no retrieve"),
    ],
)
def test_an_object_following_neither_protocol_is_refused(candidate: object, reason: str) -> None:
    with pytest.raises(ConfigError, match=f"retriever 'kb'.*{reason}"):
        as_retriever("kb", candidate)


def test_the_runtime_refuses_an_object_following_neither_protocol() -> None:
    with pytest.raises(ConfigError, match="retriever 'broken'"):
        runtime_with(ScriptedLLM(), {"broken": WrongShape()})


# ---------------------------------------------------------------- the keyword adapter


async def test_the_adapter_passes_query_and_agent_and_keeps_at_most_limit() -> None:
    inner = ReferenceRetriever(["one", "two", "three"])
    adapted = as_retriever("kb", inner)
    assert await adapted.retrieve(RetrievalQuery(query="q", agent_id="a", limit=2)) == [
        "one",
        "two",
    ]
    assert inner.calls == ["retrieve 'q' for a"]


async def test_a_failing_keyword_retriever_raises_backend_unavailable_naming_it() -> None:
    class Down:
        async def retrieve(self, *, query: str, agent_id: str) -> list[str]:
            raise ConnectionError("index offline")

    with pytest.raises(BackendUnavailableError, match="retriever 'kb' failed: index offline"):
        await as_retriever("kb", Down()).retrieve(QUERY)


async def test_a_keyword_retriever_given_a_timeout_times_out() -> None:
    class Slow:
        async def retrieve(self, *, query: str, agent_id: str) -> list[str]:
            await asyncio.sleep(10)
            return ["late"]

    adapted = KeywordRetrieverAdapter("kb", Slow(), timeout_seconds=0.01)
    with pytest.raises(BackendUnavailableError, match=r"retriever 'kb' timed out after 0\.01s"):
        await adapted.retrieve(QUERY)
    # Unbounded by default: prompt assembly bounds every retriever call (context_retrieval).
    assert KeywordRetrieverAdapter("kb", Slow()).timeout_seconds is None


async def test_a_keyword_retriever_raising_timeout_error_itself_is_a_failure() -> None:
    class Raises:
        async def retrieve(self, *, query: str, agent_id: str) -> list[str]:
            raise TimeoutError("upstream timed out")

    with pytest.raises(BackendUnavailableError, match="retriever 'kb' failed: upstream timed out"):
        await as_retriever("kb", Raises()).retrieve(QUERY)


async def test_a_keyword_retriever_returning_non_text_is_a_failure() -> None:
    class Odd:
        async def retrieve(self, *, query: str, agent_id: str) -> list[Any]:
            return [{"text": "a"}]

    with pytest.raises(BackendUnavailableError, match="other than a list of str"):
        await as_retriever("kb", Odd()).retrieve(QUERY)


# ---------------------------------------------------------------- lifecycle


async def test_the_runtime_initializes_and_closes_each_retriever_exactly_once() -> None:
    calls: list[str] = []
    reference = ReferenceRetriever(["a"], calls)
    port = PortRetrieverWithSyncHooks(["b"], [])
    runtime = runtime_with(ScriptedLLM(), {"ref": reference, "port": port})
    assert calls == []  # nothing before start
    assert port.calls == []

    await runtime.start()
    await runtime.start()
    assert calls == ["initialize"]
    assert port.calls == ["initialize"]

    await runtime.aclose()
    await runtime.aclose()
    assert calls == ["initialize", "close"]
    assert port.calls == ["initialize", "close"]


async def test_async_with_runs_the_hooks() -> None:
    calls: list[str] = []
    async with runtime_with(ScriptedLLM(), {"ref": ReferenceRetriever([], calls)}):
        assert calls == ["initialize"]
    assert calls == ["initialize", "close"]


async def test_a_retriever_without_hooks_needs_none() -> None:
    async with runtime_with(ScriptedLLM(), {"kb": StaticRetriever(["a"])}) as runtime:
        assert runtime.is_agent_enabled("support")


async def test_a_failing_initialize_fails_the_start_naming_the_retriever() -> None:
    calls: list[str] = []

    class Broken(ReferenceRetriever):
        async def initialize(self) -> None:
            raise OSError("no index on disk")

    runtime = runtime_with(
        ScriptedLLM(), {"first": ReferenceRetriever([], calls), "broken": Broken([], calls)}
    )
    with pytest.raises(
        BackendUnavailableError, match="retriever 'broken' failed to initialize: no index"
    ):
        await runtime.start()
    # The one initialized before is closed again; closing the runtime closes nothing twice.
    assert calls == ["initialize", "close"]
    await runtime.aclose()
    assert calls == ["initialize", "close"]


async def test_a_failing_close_is_logged_and_the_others_still_close(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[str] = []

    class Sticky(ReferenceRetriever):
        async def close(self) -> None:
            raise OSError("still busy")

    retrievers = RetrieverSet({"ok": ReferenceRetriever([], calls), "sticky": Sticky([], [])})
    await retrievers.initialize()
    with caplog.at_level(logging.WARNING, logger="agent_gateway_core.retrievers"):
        await retrievers.close()
    assert calls == ["initialize", "close"]
    assert "retriever 'sticky' failed to close" in caplog.text


# ---------------------------------------------------------------- into the prompt


async def test_a_reference_retrievers_passages_reach_the_system_prompt() -> None:
    llm = ScriptedLLM()
    reference = ReferenceRetriever(["Refunds take five days.", "Annual plans are prorated."])
    async with runtime_with(llm, {"kb": reference}, retrievers=("kb",)) as runtime:
        result = await runtime.invoke("support", "How do refunds work?")

    assert result.raw_text == "echo: How do refunds work?"
    system = llm.requests[0].messages[0].content or ""
    assert "## Context from kb" in system
    assert "Refunds take five days.\n\nAnnual plans are prorated." in system
    assert reference.calls == [
        "initialize",
        "retrieve 'How do refunds work?' for support",
        "close",
    ]
