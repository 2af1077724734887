"""GET /v1/executions on the SQL backends: filters, time zones, paging and callers as in memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import BOB, ClientFor, WriteWorkspace, postgres_yaml

pytestmark = pytest.mark.integration

HELPER_MD = "---\ndescription: Another agent.\n---\nYou help.\n"


def workspace_with_two_agents(write_workspace: WriteWorkspace, section: str) -> Path:
    root = write_workspace(section)
    (root / "agents" / "helper").mkdir()
    (root / "agents" / "helper" / "AGENT.md").write_text(HELPER_MD)
    return root


async def test_executions_filter_page_and_stay_with_their_caller_on_sqlite(
    write_workspace: WriteWorkspace,
    tmp_path: Path,
    client_for: ClientFor,
    model_server: FakeOpenAIServer,
) -> None:
    section = f"persistence:\n  path: {tmp_path / 'gateway.db'}\n"
    workspace = workspace_with_two_agents(write_workspace, section)
    await check_filters_paging_and_callers(workspace, client_for, model_server)


async def test_executions_filter_page_and_stay_with_their_caller_on_postgres(
    write_workspace: WriteWorkspace,
    pg_schema: str,
    client_for: ClientFor,
    model_server: FakeOpenAIServer,
) -> None:
    workspace = workspace_with_two_agents(write_workspace, postgres_yaml(pg_schema))
    await check_filters_paging_and_callers(workspace, client_for, model_server)


async def invoke(client: httpx.AsyncClient, agent: str = "assistant", **body: object) -> str:
    response = await client.post(f"/v1/agents/{agent}/invoke", json={"message": "hi", **body})
    execution_id: str = response.headers["X-Execution-Id"]
    return execution_id


async def check_filters_paging_and_callers(
    workspace: Path, client_for: ClientFor, model_server: FakeOpenAIServer
) -> None:
    async with (
        Gateway(workspace=workspace) as gw,
        client_for(gw) as alice,
        client_for(gw, BOB) as bob,
    ):
        first = await invoke(alice)
        model_server.push(ScriptedReply(status=400, error_message="bad request"))
        failed = await invoke(alice)
        helped = await invoke(alice, "helper")
        bobs = await invoke(bob)

        async def listed(**params: object) -> list[str]:
            body = (await alice.get("/v1/executions", params=params)).json()
            return [item["id"] for item in body["items"]]

        everything = await listed()
        page = (await alice.get("/v1/executions", params={"limit": 1, "offset": 1})).json()
        by_agent = await listed(agent_id="helper")
        by_status = await listed(status="failed")
        future = await listed(since=(datetime.now(UTC) + timedelta(hours=1)).isoformat())
        naive_past = await listed(since="2000-01-01T00:00:00")
        offset_past = await listed(since="2000-01-01T05:00:00+05:00")
        theirs = (await bob.get("/v1/executions")).json()

    assert everything == [helped, failed, first]
    assert [item["id"] for item in page["items"]] == [failed]
    assert (page["total"], page["limit"], page["offset"]) == (3, 1, 1)
    assert by_agent == [helped]
    assert by_status == [failed]
    assert future == []
    assert naive_past == offset_past == everything
    assert [item["id"] for item in theirs["items"]] == [bobs]
