"""Gateways on real databases: a SQLite file per test, or a PostgreSQL schema per test.

The model is the fake OpenAI-compatible server over real HTTP. Two API keys exist, ``alice``
and ``bob``, so tests can check that one caller never sees the other's data.
"""

from __future__ import annotations

import contextlib
import os
import textwrap
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest
from typer.testing import CliRunner, Result

from agent_gateway import Gateway
from agent_gateway.cli.app import app
from agent_gateway_testing.fake_openai import FakeOpenAIServer

ALICE = {"Authorization": "Bearer sk-alice"}
BOB = {"Authorization": "Bearer sk-bob"}

# The PostgreSQL the development and CI machines run (trust auth on 127.0.0.1).
POSTGRES_URL = os.environ.get(
    "POSTGRES_TEST_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)

GATEWAY_YAML = """\
model:
  default: openai/gpt-4o-mini
  api_base: {api_base}
auth:
  api_keys:
    - {{name: alice, key: sk-alice}}
    - {{name: bob, key: sk-bob}}
"""

AGENT_MD = """\
---
description: A test assistant.
---
You are the assistant.
"""

WriteWorkspace = Callable[..., Path]
RunCli = Callable[..., Result]
ClientFor = Callable[..., contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No AGENT_GATEWAY_* setting of the caller's shell leaks in (the secret key included)."""
    for name in list(os.environ):
        if name.upper().startswith("AGENT_GATEWAY_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")


@pytest.fixture
async def model_server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def write_workspace(tmp_path: Path, model_server: FakeOpenAIServer) -> WriteWorkspace:
    """``write_workspace(persistence_yaml)``: a workspace with agent ``assistant`` whose
    gateway.yaml has ``persistence_yaml`` appended (dedented)."""

    def write(persistence_yaml: str = "") -> Path:
        root = tmp_path / "workspace"
        (root / "agents" / "assistant").mkdir(parents=True, exist_ok=True)
        (root / "agents" / "assistant" / "AGENT.md").write_text(AGENT_MD)
        config = GATEWAY_YAML.format(api_base=model_server.base_url)
        (root / "gateway.yaml").write_text(config + textwrap.dedent(persistence_yaml))
        return root

    return write


@pytest.fixture
def client_for() -> ClientFor:
    """``async with client_for(gateway, headers) as client``: HTTP to a started gateway."""

    @contextlib.asynccontextmanager
    async def open_client(
        gateway: Gateway, headers: dict[str, str] | None = None
    ) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=gateway)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://gateway.test",
            headers=ALICE if headers is None else headers,
        ) as client:
            yield client

    return open_client


@pytest.fixture
async def pg_schema(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """A fresh PostgreSQL schema name, dropped with everything in it after the test; the
    secret key PostgreSQL needs is set."""
    monkeypatch.setenv("AGENT_GATEWAY_SECRET_KEY", "test passphrase for secrets at rest")
    schema = f"gw_test_{uuid.uuid4().hex[:12]}"
    yield schema
    await drop_schema(schema)


async def drop_schema(schema: str) -> None:
    connection = await asyncpg.connect(plain_postgres_url())
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await connection.close()


def plain_postgres_url(url: str = POSTGRES_URL) -> str:
    """The URL asyncpg itself takes (no SQLAlchemy driver suffix)."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def postgres_yaml(schema: str, url: str = POSTGRES_URL, migrate: str | None = "upgrade") -> str:
    """A ``persistence:`` section on PostgreSQL; ``migrate=None`` keeps the default (check)."""
    section = f"persistence:\n  backend: postgres\n  url: {url}\n  schema: {schema}\n"
    return section + (f"  migrate: {migrate}\n" if migrate else "")


@pytest.fixture
def run_cli() -> RunCli:
    """``run_cli("db", "upgrade", "-w", path, env=...)``: the CLI's Result (no traceback)."""

    def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(
            app, [str(arg) for arg in args], env={"COLUMNS": "240", "NO_COLOR": "1", **(env or {})}
        )

    return run
