"""The store: the catalog's answers kept, revalidated with ETags (the real gateway answers
304), emptied by writes; executions and sessions never kept. Both clients."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_gateway_client import GatewayClientSync

from ._flavours import Both
from ._served import ALICE, BOB, ScriptedModel, ServedGateway
from .conftest import MakeClient

pytestmark = pytest.mark.integration


def counters(client: Both) -> tuple[int, int]:
    return client.store.hits, client.store.misses


async def test_a_second_list_is_revalidated_and_answered_from_the_store(client: Both) -> None:
    first = await client.agents.list()
    second = await client.agents.list()

    assert counters(client) == (1, 1)
    assert list(second) == list(first)  # equal models, from the kept body
    assert len(client.store) == 1
    # The gateway did answer 304 to the ETag the store sent back.
    answer = await client.request("GET", "/v1/agents")
    etag = answer.headers["ETag"]
    again = await client.request("GET", "/v1/agents", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


async def test_every_catalog_route_is_kept(client: Both) -> None:
    for _ in range(2):
        await client.agents.get("triage")
        await client.tools.list()
        await client.tools.get("stock-level")
        await client.skills.list()
        await client.skills.get("lookup")
        await client.config.setup_schema("mine")

    assert counters(client) == (6, 6)


async def test_executions_and_sessions_are_never_kept(client: Both, model: ScriptedModel) -> None:
    result = await client.agents.invoke("assistant", "hi")  # a run: the store is kept
    await client.agents.list()
    for _ in range(2):
        await client.executions.get(result.execution_id)
        await client.executions.list(limit=1)
        await client.sessions.list()
    await client.agents.invoke("assistant", "again")
    await client.agents.list()

    assert counters(client) == (1, 1)


async def test_a_write_empties_the_store_and_fresh_data_comes_back(
    make_client: MakeClient, served: ServedGateway
) -> None:
    alice, bob = make_client(), make_client(api_key=BOB)
    before = {agent.id for agent in await alice.agents.list()}

    try:
        with extra_agent(served.workspace, "newcomer"):
            await alice.admin.reload()  # a write through Alice's client empties her store
            assert len(alice.store) == 0
            during = {agent.id for agent in await alice.agents.list()}
            assert counters(alice) == (0, 2)
            await alice.agents.list()
            assert counters(alice) == (1, 2)
    finally:
        await bob.admin.reload()  # a change Alice's client does not see being made
    after = {agent.id for agent in await alice.agents.list()}

    assert during == before | {"newcomer"}
    assert after == before  # the ETag changed: a whole new answer
    assert counters(alice) == (1, 3)
    assert len(alice.store) == 1


def test_cache_false_keeps_nothing(served: ServedGateway) -> None:
    with GatewayClientSync(served.url, api_key=ALICE, cache=False) as client:
        client.agents.list()
        client.agents.list()

        assert (client.store.hits, client.store.misses, len(client.store)) == (0, 0, 0)
        client.store.enabled = True
        client.agents.list()
        client.agents.list()
        assert (client.store.hits, client.store.misses) == (1, 1)
        client.store.clear()
        assert len(client.store) == 0


async def test_middleware_sees_the_200_the_store_makes(make_client: MakeClient) -> None:
    client = make_client()
    statuses: list[int] = []
    if isinstance(client.target, GatewayClientSync):

        def seen(request: httpx.Request, call_next: Any) -> httpx.Response:
            response: httpx.Response = call_next(request)
            statuses.append(response.status_code)
            return response

        client.target.add_middleware(seen)
    else:

        async def seen_async(request: httpx.Request, call_next: Any) -> httpx.Response:
            response: httpx.Response = await call_next(request)
            statuses.append(response.status_code)
            return response

        client.target.add_middleware(seen_async)

    await client.skills.list()
    await client.skills.list()

    assert statuses == [200, 200]
    assert counters(client) == (1, 1)


class extra_agent:  # noqa: N801 (a context manager, read as a phrase)
    """An agent file added to the workspace, removed on exit (a reload is up to the test)."""

    def __init__(self, root: Path, agent_id: str) -> None:
        self.path = root / "agents" / agent_id / "AGENT.md"

    def __enter__(self) -> None:
        self.path.parent.mkdir(parents=True)
        text = """\
            ---
            description: Here for a moment.
            ---
            You are new.
            """
        self.path.write_text(textwrap.dedent(text), encoding="utf-8")

    def __exit__(self, *exc: object) -> None:
        self.path.unlink()
        self.path.parent.rmdir()
