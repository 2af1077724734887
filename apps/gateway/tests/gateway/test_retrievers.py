"""use_retriever with a retriever written for agents-gateway 0.2: hooks at startup and
shutdown, passages in the system prompt, objects following no protocol refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway import Gateway
from agent_gateway_core.errors import BackendUnavailableError, ConfigError
from agent_gateway_core.retrievers import KeywordRetrieverAdapter
from agent_gateway_core.testing import StaticRetriever
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.integration

WriteWorkspace = Callable[..., Path]
AddAgent = Callable[..., Path]


class ReferenceRetriever:
    """The ContextRetriever shape of agents-gateway 0.2, as its users write it."""

    def __init__(self, chunks: list[str]) -> None:
        self.chunks = chunks
        self.calls: list[str] = []

    async def initialize(self) -> None:
        self.calls.append("initialize")

    async def retrieve(self, *, query: str, agent_id: str) -> list[str]:
        self.calls.append(f"retrieve {query!r} for {agent_id}")
        return self.chunks

    async def close(self) -> None:
        self.calls.append("close")


@pytest.fixture
def kb_workspace(
    write_workspace: WriteWorkspace, add_agent: AddAgent, model_server: FakeOpenAIServer
) -> Path:
    root = write_workspace(api_base=model_server.base_url)
    add_agent(root, "support", "You answer support questions.", retrievers=["kb"])
    return root


async def test_a_reference_style_retriever_works_end_to_end(
    kb_workspace: Path, model_server: FakeOpenAIServer, prompt_of: Callable[..., str]
) -> None:
    retriever = ReferenceRetriever(["Refunds take five business days."])
    gateway = Gateway(workspace=kb_workspace, auth=False).use_retriever("kb", retriever)
    assert retriever.calls == []

    async with gateway:
        assert retriever.calls == ["initialize"]
        result = await gateway.invoke("support", "How long do refunds take?")

    assert result.raw_text == "echo: How long do refunds take?"
    prompt = prompt_of(model_server)
    assert "## Context from kb\n\nRefunds take five business days." in prompt
    assert retriever.calls == [
        "initialize",
        "retrieve 'How long do refunds take?' for support",
        "close",
    ]


async def test_both_protocols_side_by_side(
    kb_workspace: Path,
    add_agent: AddAgent,
    model_server: FakeOpenAIServer,
    prompt_of: Callable[..., str],
) -> None:
    add_agent(kb_workspace, "both", retrievers=["kb", "faq"])
    gateway = (
        Gateway(workspace=kb_workspace, auth=False)
        .use_retriever("kb", ReferenceRetriever(["From the reference retriever."]))
        .use_retriever("faq", StaticRetriever(["From the port retriever."]))
    )
    async with gateway:
        await gateway.invoke("both", "which port retriever")
    prompt = prompt_of(model_server)
    assert "From the reference retriever." in prompt
    assert "From the port retriever." in prompt


def test_use_retriever_wraps_a_reference_retriever_and_keeps_a_port_one() -> None:
    port = StaticRetriever(["a"])
    gateway = Gateway().use_retriever("ref", ReferenceRetriever([])).use_retriever("port", port)
    assert isinstance(gateway._fluent.retrievers["ref"], KeywordRetrieverAdapter)
    assert gateway._fluent.retrievers["port"] is port


def test_use_retriever_refuses_an_object_following_neither_protocol() -> None:
    class Search:
        async def search(self, text: str) -> list[str]:
            return []

    with pytest.raises(ConfigError, match=r"retriever 'kb'.*has no retrieve"):
        Gateway().use_retriever("kb", Search())  # type: ignore[arg-type]


async def test_a_failing_initialize_fails_startup_naming_the_retriever(
    kb_workspace: Path,
) -> None:
    class Broken(ReferenceRetriever):
        async def initialize(self) -> None:
            raise OSError("index missing")

    gateway = Gateway(workspace=kb_workspace, auth=False).use_retriever("kb", Broken([]))
    with pytest.raises(BackendUnavailableError, match="retriever 'kb' failed to initialize"):
        async with gateway:
            pass
