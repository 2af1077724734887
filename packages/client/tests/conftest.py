"""Fixtures of the client's tests: a real gateway served over HTTP for the whole session,
and clients of both flavours.

``client`` is parametrized over ``async`` and ``sync``: each test that takes it runs twice,
once with ``GatewayClient`` and once with ``GatewayClientSync`` (in a worker thread), through
the awaitable surface of ``_flavours.Both``. ``make_client(**settings)`` builds more of the
same flavour (another key, other timeouts); all are closed after the test.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_gateway_client import GatewayClient, GatewayClientSync

from ._flavours import Both
from ._served import ALICE, ServedGateway, serve, served_model, write_workspace

CLIENT_ENV = (
    "AGENT_GATEWAY_URL",
    "AGENT_GATEWAY_API_KEY",
    "AGENT_GATEWAY_PROFILE",
    "AGENT_GATEWAY_CLIENT_CONFIG",
)

MakeClient = Callable[..., Both]


@pytest.fixture(autouse=True)
def _client_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting of the caller's shell or home directory reaches a client under test."""
    for name in CLIENT_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedGateway]:
    """One gateway for the session: API keys ``ALICE``, ``BOB`` and ``READER``, rate limited
    on ``THROTTLED_PATH``, its model the fake OpenAI server (scripted by ``model``)."""
    from agent_gateway import Gateway
    from agent_gateway_core.testing import RecordingNotificationBackend

    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.upper().startswith("AGENT_GATEWAY_"):
                env.delenv(name)
        with served_model() as (model_server, model):
            root = write_workspace(tmp_path_factory.mktemp("workspace"), model_server.base_url)
            slack = RecordingNotificationBackend("slack", failing_targets={"#gone"})
            gateway = Gateway(workspace=root).use_notifications(slack)
            with serve(gateway) as url:
                yield ServedGateway(url, root, gateway, model, model_server, slack)


@pytest.fixture
def model(served: ServedGateway) -> Iterator[Any]:
    """The gateway's model: ``model.push(reply(...))``; nothing pushed is left for the next
    test."""
    served.model.clear()
    yield served.model
    served.model.clear()


@pytest.fixture(params=["async", "sync"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def make_client(flavour: str, served: ServedGateway) -> AsyncIterator[MakeClient]:
    """``make_client(**settings)``: a client of the served gateway (Alice's by default)."""
    made: list[Any] = []

    def make(**settings: Any) -> Both:
        settings.setdefault("base_url", served.url)
        settings.setdefault("api_key", ALICE)
        settings.setdefault("backoff_base", 0.01)
        settings.setdefault("backoff_max", 0.05)
        client_class = GatewayClientSync if flavour == "sync" else GatewayClient
        target = client_class(**settings)
        made.append(target)
        return Both(target, sync=flavour == "sync")

    yield make
    for target in made:
        if isinstance(target, GatewayClientSync):
            await asyncio.to_thread(target.close)
        else:
            await target.aclose()


@pytest.fixture
def client(make_client: MakeClient) -> Both:
    """Alice's client, in the flavour of the test's parameter."""
    return make_client()
