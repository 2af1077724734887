"""ETag and If-None-Match on the catalog: agents, tools, skills and setup schemas."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.testing import StaticToolProvider

from .conftest import BOB, WriteFiles

pytestmark = pytest.mark.integration

CATALOG = [
    "/v1/agents",
    "/v1/agents/assistant",
    "/v1/tools",
    "/v1/tools/stock-level",
    "/v1/skills",
    "/v1/skills/lookup",
    "/v1/agents/mine/setup-schema",
]
STRONG_ETAG = re.compile(r'^"[0-9a-f]{32}"$')

PERSONAL_AGENT = """\
    ---
    description: Yours.
    scope: personal
    setup_schema:
      type: object
      properties:
        region: {type: string, enum: [eu, us]}
    ---
    Your own assistant.
    """


@pytest.fixture
def workspace(workspace: Path) -> Path:
    path = workspace / "agents/mine/AGENT.md"
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(PERSONAL_AGENT), encoding="utf-8")
    return workspace


def running(client: httpx.AsyncClient) -> Gateway:
    gateway: Gateway = client._transport.app  # type: ignore[attr-defined]
    return gateway


@pytest.mark.parametrize("path", CATALOG)
async def test_a_catalog_answer_has_a_strong_etag_and_revalidates_to_304(
    client: httpx.AsyncClient, path: str
) -> None:
    first = await client.get(path)
    etag = first.headers["ETag"]

    again = await client.get(path)
    not_modified = await client.get(path, headers={"If-None-Match": etag})

    assert first.status_code == 200
    assert STRONG_ETAG.match(etag)
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert again.headers["ETag"] == etag
    assert again.content == first.content
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert "content-type" not in not_modified.headers
    assert not_modified.headers["ETag"] == etag
    assert not_modified.headers["Cache-Control"] == "private, no-cache"
    assert "X-Request-ID" in not_modified.headers


@pytest.mark.parametrize(
    "header",
    ["W/{etag}", '"other", {etag}', '"a",W/{etag} , "b"', "*", " * "],
    ids=["weak-form", "in-a-list", "list-with-spaces", "star", "star-spaced"],
)
async def test_if_none_match_is_compared_weakly_and_takes_lists(
    client: httpx.AsyncClient, header: str
) -> None:
    etag = (await client.get("/v1/agents")).headers["ETag"]

    response = await client.get("/v1/agents", headers={"If-None-Match": header.format(etag=etag)})

    assert response.status_code == 304


@pytest.mark.parametrize(
    "header", ['"0123456789abcdef0123456789abcdef"', "garbage", '""', "{bare}"]
)
async def test_an_if_none_match_naming_another_etag_gets_the_body(
    client: httpx.AsyncClient, header: str
) -> None:
    etag = (await client.get("/v1/agents")).headers["ETag"]

    response = await client.get(
        "/v1/agents", headers={"If-None-Match": header.format(bare=etag.strip('"'))}
    )

    assert response.status_code == 200
    assert response.headers["ETag"] == etag
    assert response.json()


async def test_the_bodies_are_those_the_routes_always_answered(client: httpx.AsyncClient) -> None:
    agents = (await client.get("/v1/agents")).json()
    agent = (await client.get("/v1/agents/assistant")).json()
    tools = (await client.get("/v1/tools")).json()
    skills = (await client.get("/v1/skills")).json()
    schema = (await client.get("/v1/agents/mine/setup-schema")).json()

    assert "input_schema" not in agents[0]  # the list shows the summary fields only
    assert {"input_schema", "schedules", "scope"} <= set(agent)
    assert set(tools[0]) == {"name", "description", "source", "parameters"}
    assert set(skills[0]) == {"id", "name", "description", "tools", "has_workflow"}
    assert schema["agent_id"] == "mine"
    assert schema["setup_schema"]["properties"]["region"]["enum"] == ["eu", "us"]


async def test_every_caller_gets_the_same_etag(client: httpx.AsyncClient) -> None:
    alice = await client.get("/v1/agents/assistant")
    bob = await client.get("/v1/agents/assistant", headers=BOB)

    assert alice.headers["ETag"] == bob.headers["ETag"]


async def test_a_reload_that_changes_an_agent_changes_the_etags_that_show_it(
    client: httpx.AsyncClient, write_files: WriteFiles
) -> None:
    before = {path: (await client.get(path)).headers["ETag"] for path in CATALOG}
    write_files(
        {
            "agents/assistant/AGENT.md": """\
                ---
                description: A more helpful assistant.
                skills: [lookup]
                ---
                You are very helpful.
                """
        }
    )

    assert (await client.post("/v1/reload")).status_code == 200
    after = {path: (await client.get(path)).headers["ETag"] for path in CATALOG}
    stale = await client.get("/v1/agents/assistant", headers={"If-None-Match": before[CATALOG[1]]})

    assert after["/v1/agents"] != before["/v1/agents"]
    assert after["/v1/agents/assistant"] != before["/v1/agents/assistant"]
    assert stale.status_code == 200
    assert stale.json()["description"] == "A more helpful assistant."
    # What the reload did not change keeps its ETag: a client's copy is still good.
    for path in ["/v1/tools", "/v1/skills", "/v1/skills/lookup", "/v1/agents/mine/setup-schema"]:
        assert after[path] == before[path]


async def test_a_reload_that_changes_a_setup_schema_changes_its_etag(
    client: httpx.AsyncClient, write_files: WriteFiles
) -> None:
    path = "/v1/agents/mine/setup-schema"
    before = (await client.get(path)).headers["ETag"]
    write_files({"agents/mine/AGENT.md": PERSONAL_AGENT.replace("eu, us", "eu, us, apac")})

    await client.post("/v1/reload")
    after = await client.get(path, headers={"If-None-Match": before})

    assert after.status_code == 200
    assert after.headers["ETag"] != before
    assert "apac" in after.json()["setup_schema"]["properties"]["region"]["enum"]


async def test_a_tool_registered_in_code_changes_the_tool_list_etag(
    client: httpx.AsyncClient,
) -> None:
    before = (await client.get("/v1/tools")).headers["ETag"]

    @running(client).services.runtime.tool  # type: ignore[union-attr]
    def shout(text: str) -> str:
        """Upper-case the text."""
        return text.upper()

    after = await client.get("/v1/tools", headers={"If-None-Match": before})

    assert after.status_code == 200
    assert after.headers["ETag"] != before
    assert "shout" in [tool["name"] for tool in after.json()]


async def test_an_mcp_servers_tools_changing_changes_the_tool_etags(
    client: httpx.AsyncClient,
) -> None:
    registry = running(client).tool_registry
    assert registry is not None
    provider = StaticToolProvider(
        "docs", {"search": (ToolSpec(name="search", description="Search."), lambda: "found")}
    )
    registry.add_provider(provider)
    await registry.refresh_provider("docs")
    first = await client.get("/v1/tools")
    one_tool = await client.get("/v1/tools/docs__search")
    provider._tools["search"] = (  # the server now describes its tool differently
        ToolSpec(name="search", description="Search the docs."),
        lambda: "found",
    )
    await registry.refresh_provider("docs")

    listed = await client.get("/v1/tools", headers={"If-None-Match": first.headers["ETag"]})
    described = await client.get(
        "/v1/tools/docs__search", headers={"If-None-Match": one_tool.headers["ETag"]}
    )
    unchanged = await client.get(
        "/v1/tools/stock-level",
        headers={"If-None-Match": (await client.get("/v1/tools/stock-level")).headers["ETag"]},
    )

    assert listed.status_code == described.status_code == 200
    assert described.json()["description"] == "Search the docs."
    assert unchanged.status_code == 304


async def test_errors_executions_and_sessions_carry_no_etag(client: httpx.AsyncClient) -> None:
    chat = await client.post("/v1/agents/assistant/chat", json={"message": "hi"})
    execution_id, session_id = chat.json()["execution_id"], chat.json()["session_id"]

    answers = [
        await client.get("/v1/agents/nobody"),
        await client.get("/v1/tools/nothing"),
        await client.get("/v1/agents/assistant/setup-schema"),  # not a personal agent
        await client.get("/v1/executions"),
        await client.get(f"/v1/executions/{execution_id}"),
        await client.get(f"/v1/executions/{execution_id}/events"),
        await client.get("/v1/sessions"),
        await client.get(f"/v1/sessions/{session_id}"),
        await client.get("/v1/users/me/conversations"),
    ]

    assert [a.status_code for a in answers] == [404, 404, 400, 200, 200, 200, 200, 200, 200]
    assert [a.headers.get("ETag") for a in answers] == [None] * len(answers)


async def test_openapi_documents_the_304(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]

    for path in [
        "/v1/agents",
        "/v1/agents/{agent_id}",
        "/v1/tools",
        "/v1/tools/{name}",
        "/v1/skills",
        "/v1/skills/{skill_id}",
        "/v1/agents/{agent_id}/setup-schema",
    ]:
        assert "304" in paths[path]["get"]["responses"], path
        assert "ETag" in paths[path]["get"]["description"], path
