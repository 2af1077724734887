"""End to end: a Gateway whose agent lists ``retrievers: [docs]``, served by the FTS retriever
over a folder of markdown; invoked over HTTP, the model (the fake OpenAI-compatible server,
reached over real HTTP through the litellm adapter) receives the matching doc in its system
prompt, edits to the docs included without a restart."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_fts import MarkdownFolderRetriever
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.e2e

KEY = {"Authorization": "Bearer sk-support"}
INVOKE = "/v1/agents/support/invoke"

DOCS = {
    "api/keys.md": """\
        # API keys

        Every request carries a key in the Authorization header.

        ## Rotation

        Rotate a key by creating a new one, deploying it, then revoking the old key.
        """,
    "billing/refunds.md": """\
        # Refunds

        Refunds are processed within five business days.
        """,
}


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("AGENT_GATEWAY_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("AGENT_GATEWAY_PERSISTENCE__BACKEND", "memory")


@pytest.fixture
async def model_server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    write(root, DOCS)
    return root


@pytest.fixture
def workspace(tmp_path: Path, model_server: FakeOpenAIServer) -> Path:
    root = tmp_path / "workspace"
    write(
        root,
        {
            "gateway.yaml": f"""\
                model:
                  default: openai/gpt-4o-mini
                  api_base: {model_server.base_url}
                auth:
                  api_keys:
                    - {{name: support, key: sk-support, scopes: ["*"]}}
                """,
            "agents/support/AGENT.md": """\
                ---
                description: Answers questions about the product from its docs.
                retrievers: [docs]
                ---
                You answer support questions using the docs you are given.
                """,
        },
    )
    return root


async def invoke(gateway: Gateway, message: str) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=gateway)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gateway.test", headers=KEY, timeout=30
    ) as client:
        response = await client.post(INVOKE, json={"message": message})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "succeeded"
    return body


def system_prompt(server: FakeOpenAIServer) -> str:
    messages = server.requests[-1].body["messages"]
    return next(str(m["content"]) for m in messages if m["role"] == "system")


async def test_the_matching_doc_reaches_the_model_and_edits_show_up_without_a_restart(
    workspace: Path, docs: Path, model_server: FakeOpenAIServer
) -> None:
    retriever = MarkdownFolderRetriever(docs, recheck_seconds=0)
    gateway = Gateway(workspace=workspace).use_retriever("docs", retriever)

    async with gateway:
        body = await invoke(gateway, "How do I rotate an API key?")
        assert body["raw_text"] == "echo: How do I rotate an API key?"
        prompt = system_prompt(model_server)
        assert prompt.startswith("You answer support questions using the docs you are given.")
        assert (
            "## Context from docs\n\n"
            "Source: api/keys.md — API keys > Rotation\n\n"
            "Rotate a key by creating a new one, deploying it, then revoking the old key."
        ) in prompt
        assert "Refunds are processed" not in prompt

        write(docs, {"billing/refunds.md": "# Refunds\n\nRefunds now take ten days.\n"})
        await invoke(gateway, "how long do refunds take")
        prompt = system_prompt(model_server)
        assert "Source: billing/refunds.md — Refunds\n\nRefunds now take ten days." in prompt
        assert "five business days" not in prompt


async def test_nothing_matching_or_a_failing_retriever_leaves_the_prompt_without_context(
    workspace: Path, docs: Path, model_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    retriever = MarkdownFolderRetriever(docs, index_path=tmp_path / "index.db", recheck_seconds=0)
    gateway = Gateway(workspace=workspace).use_retriever("docs", retriever)

    async with gateway:
        await invoke(gateway, "quantum chromodynamics?!")
        assert "## Context from docs" not in system_prompt(model_server)

        shutil.rmtree(docs)  # the retriever now fails; the agent still answers
        body = await invoke(gateway, "How do I rotate an API key?")
        assert body["raw_text"] == "echo: How do I rotate an API key?"
        assert "## Context from docs" not in system_prompt(model_server)
