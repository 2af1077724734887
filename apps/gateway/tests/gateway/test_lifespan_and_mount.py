"""A user lifespan composed with the gateway's, and a gateway mounted under a parent app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Request

from agent_gateway import Gateway
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.integration

ClientFor = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


async def test_a_user_lifespan_runs_inside_the_gateways_and_its_state_reaches_requests(
    served_workspace: Path, model_server: FakeOpenAIServer, client_for: ClientFor
) -> None:
    events: list[tuple[str, bool]] = []

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[dict[str, Any]]:
        events.append(("user startup", app.started))
        warm_up = await app.invoke("assistant", "warm up")  # the gateway is already serving
        yield {"greeting": warm_up.raw_text}
        events.append(("user shutdown", app.started))

    gw = Gateway(workspace=served_workspace, auth=False, lifespan=lifespan)

    @gw.get("/greeting")
    async def greeting(request: Request) -> dict[str, str]:
        return {"greeting": request.state.greeting}

    async with LifespanManager(gw) as manager, client_for(manager.app) as client:
        assert (await client.get("/greeting")).json() == {"greeting": "echo: warm up"}
        assert (await client.get("/v1/health")).json()["status"] == "ok"
    assert events == [("user startup", True), ("user shutdown", True)]
    assert not gw.started


async def test_a_failing_user_lifespan_still_shuts_the_gateway_down(
    served_workspace: Path,
) -> None:
    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        raise RuntimeError("user startup failed")
        yield

    gw = Gateway(workspace=served_workspace, auth=False, lifespan=lifespan)
    with pytest.raises(RuntimeError, match="user startup failed"):
        async with gw:
            pass
    assert not gw.started


async def test_mount_to_serves_the_api_under_the_prefix_inside_the_parents_lifespan(
    served_workspace: Path, client_for: ClientFor
) -> None:
    events: list[str] = []
    gw = Gateway(workspace=served_workspace, auth=False)

    @asynccontextmanager
    async def parent_lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        events.append(f"parent startup (gateway started: {gw.started})")
        yield {"owner": "parent"}
        events.append(f"parent shutdown (gateway started: {gw.started})")

    parent = FastAPI(lifespan=parent_lifespan)

    @parent.get("/own")
    async def own(request: Request) -> dict[str, str]:
        return {"owner": request.state.owner}

    assert gw.mount_to(parent, path="/ai") is parent
    async with LifespanManager(parent) as manager, client_for(manager.app) as client:
        assert gw.started
        health = await client.get("/ai/v1/health")
        assert health.status_code == 200
        assert health.json() == await gw.health()
        assert health.headers["x-frame-options"] == "DENY"
        assert (await client.get("/own")).json() == {"owner": "parent"}
        assert (await client.get("/v1/health")).status_code == 404  # only under the prefix
        assert (await gw.invoke("assistant", "mounted")).raw_text == "echo: mounted"
    assert not gw.started
    assert events == [
        "parent startup (gateway started: True)",
        "parent shutdown (gateway started: True)",
    ]


async def test_mount_to_strips_a_trailing_slash(
    served_workspace: Path, client_for: ClientFor
) -> None:
    parent = Gateway(workspace=served_workspace, auth=False).mount_to(FastAPI(), path="/ai/")
    async with LifespanManager(parent) as manager, client_for(manager.app) as client:
        assert (await client.get("/ai/v1/health")).status_code == 200
