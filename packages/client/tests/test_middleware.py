"""Middleware wraps every send: the extension point for a cache (and anything else that must
see requests and answers), in the order added."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from agent_gateway_client import (
    AsyncSend,
    GatewayClient,
    GatewayClientSync,
    NotFoundError,
    Send,
)

from ._scripted_server import Answer, ScriptedServer

pytestmark = pytest.mark.integration


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer().running_in_thread() as running:
        yield running


class AsyncCache:
    """A toy cache of GET answers, keyed by URL."""

    def __init__(self, log: list[str], name: str) -> None:
        self.answers: dict[str, httpx.Response] = {}
        self.log = log
        self.name = name

    async def __call__(self, request: httpx.Request, call_next: AsyncSend) -> httpx.Response:
        self.log.append(self.name)
        key = str(request.url)
        if request.method == "GET" and key in self.answers:
            cached = self.answers[key]
            return httpx.Response(cached.status_code, content=cached.content, request=request)
        response = await call_next(request)
        await response.aread()
        if request.method == "GET" and response.status_code == 200:
            self.answers[key] = response
        return response


class Cache:
    def __init__(self, log: list[str], name: str) -> None:
        self.answers: dict[str, httpx.Response] = {}
        self.log = log
        self.name = name

    def __call__(self, request: httpx.Request, call_next: Send) -> httpx.Response:
        self.log.append(self.name)
        key = str(request.url)
        if request.method == "GET" and key in self.answers:
            cached = self.answers[key]
            return httpx.Response(cached.status_code, content=cached.content, request=request)
        response = call_next(request)
        response.read()
        if request.method == "GET" and response.status_code == 200:
            self.answers[key] = response
        return response


async def test_an_async_middleware_can_answer_from_a_cache(server: ScriptedServer) -> None:
    log: list[str] = []
    server.script(Answer(200, {"name": "t"}), Answer(404, {"error": {"code": "x", "message": "y"}}))
    async with GatewayClient(server.url, api_key="k") as client:
        client.add_middleware(AsyncCache(log, "outer"))
        client.add_middleware(AsyncCache(log, "inner"))
        first = await client.tools.get("t")
        second = await client.tools.get("t")
        with pytest.raises(NotFoundError):  # errors are raised after the chain
            await client.tools.get("u")

    assert first == second
    assert len(server.received) == 2
    assert log == ["outer", "inner", "outer", "outer", "inner"]


def test_a_sync_middleware_can_answer_from_a_cache(server: ScriptedServer) -> None:
    log: list[str] = []
    server.script(Answer(200, {"name": "t"}))
    with GatewayClientSync(server.url, api_key="k") as client:
        client.add_middleware(Cache(log, "only"))
        first = client.tools.get("t")
        second = client.tools.get("t")

    assert first == second
    assert len(server.received) == 1
    assert log == ["only", "only"]
