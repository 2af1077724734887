"""Fixtures for the Gateway tests: workspaces on disk, the fake OpenAI server, HTTP clients."""

from __future__ import annotations

import os
import textwrap
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from agent_gateway import Gateway
from agent_gateway_testing.fake_openai import FakeOpenAIServer

AGENT_MD = """\
---
description: A test assistant.
---
You are the assistant.
"""

WriteWorkspace = Callable[..., Path]
ClientFor = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come from env vars too: no AGENT_GATEWAY_* of the caller's shell leaks in."""
    for name in list(os.environ):
        if name.upper().startswith("AGENT_GATEWAY_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    # The default, a SQLite file under the working directory, is tested in tests/persistence;
    # elsewhere every gateway keeps its data in memory, isolated and fast.
    monkeypatch.setenv("AGENT_GATEWAY_PERSISTENCE__BACKEND", "memory")


@pytest.fixture
async def model_server() -> AsyncIterator[FakeOpenAIServer]:
    """The fake OpenAI-compatible server; it echoes the last user message unless scripted."""
    async with FakeOpenAIServer() as server:
        yield server


def write_files(root: Path, files: Mapping[str, str]) -> None:
    """Write ``{relative path: text}`` (dedented) under ``root``."""
    for relative, text in files.items():
        file = root / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def gateway_yaml(api_base: str, extra: str = "") -> str:
    """A gateway.yaml whose default model goes to ``api_base``, plus ``extra`` sections."""
    model = f"model:\n  default: openai/gpt-4o-mini\n  api_base: {api_base}\n"
    return model + textwrap.dedent(extra)


def write_agent(root: Path, agent_id: str, prompt: str | None = None, **frontmatter: Any) -> Path:
    """Write ``agents/<agent_id>/AGENT.md`` under ``root`` with ``frontmatter`` as YAML."""
    meta = {"description": f"The {agent_id} agent.", **frontmatter}
    text = f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n{prompt or f'You are {agent_id}.'}\n"
    file = root / "agents" / agent_id / "AGENT.md"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    return file


@pytest.fixture
def add_agent() -> Callable[..., Path]:
    """``add_agent(root, agent_id, prompt=None, **frontmatter)``: write one AGENT.md."""
    return write_agent


@pytest.fixture
def write_workspace(tmp_path: Path) -> WriteWorkspace:
    """``write_workspace(files, api_base=..., yaml=...)``: a workspace with agent ``assistant``.

    ``files`` adds or replaces files; ``yaml`` adds sections to gateway.yaml.
    """

    def write(
        files: Mapping[str, str] | None = None,
        *,
        api_base: str = "http://127.0.0.1:9/v1",
        yaml: str = "",
    ) -> Path:
        root = tmp_path / "workspace"
        root.mkdir(exist_ok=True)
        write_files(
            root,
            {
                "gateway.yaml": gateway_yaml(api_base, yaml),
                "agents/assistant/AGENT.md": AGENT_MD,
                **(files or {}),
            },
        )
        return root

    return write


@pytest.fixture
def served_workspace(write_workspace: WriteWorkspace, model_server: FakeOpenAIServer) -> Path:
    """A workspace whose model is the fake server."""
    return write_workspace(api_base=model_server.base_url)


@pytest.fixture
def client_for() -> ClientFor:
    """``async with client_for(app) as client``: an httpx client speaking ASGI to ``app``."""

    @asynccontextmanager
    async def open_client(app: Any, **headers: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://gateway.test", headers=headers
        ) as client:
            yield client

    return open_client


def system_prompt(server: FakeOpenAIServer, index: int = -1) -> str:
    """The system message of the ``index``-th completion request the fake server received."""
    messages = server.requests[index].body["messages"]
    return next(str(m["content"]) for m in messages if m["role"] == "system")


@pytest.fixture
def prompt_of() -> Callable[..., str]:
    """``prompt_of(server, index=-1)``: the system prompt of a request the server received."""
    return system_prompt


@pytest.fixture
def gateway(served_workspace: Path) -> Gateway:
    """A gateway over ``served_workspace`` with auth off (auth has its own tests)."""
    return Gateway(workspace=served_workspace, auth=False)
