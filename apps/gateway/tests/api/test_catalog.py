"""GET /v1/agents, /v1/skills, /v1/tools and their detail routes."""

from __future__ import annotations

import httpx
import pytest

from .conftest import NewGateway

pytestmark = pytest.mark.integration


async def test_agents_are_listed_with_their_summary(client: httpx.AsyncClient) -> None:
    agents = {a["id"]: a for a in (await client.get("/v1/agents")).json()}

    assert sorted(agents) == ["assistant", "batch", "dormant", "triage"]
    assert agents["assistant"] == {
        "id": "assistant",
        "display_name": "Assistant",
        "description": "A helpful assistant.",
        "tags": ["demo"],
        "version": None,
        "enabled": True,
        "execution_mode": "sync",
        "model": "openai/gpt-4o-mini",
        "skills": ["lookup"],
        "tools": [],
        "has_input_schema": False,
        "has_output_schema": False,
    }
    assert agents["triage"]["has_input_schema"] is agents["triage"]["has_output_schema"] is True
    assert agents["dormant"]["enabled"] is False
    assert agents["batch"]["execution_mode"] == "async"


async def test_agent_detail_has_schemas_and_schedules(client: httpx.AsyncClient) -> None:
    triage = (await client.get("/v1/agents/triage")).json()
    assistant = (await client.get("/v1/agents/assistant")).json()

    assert triage["input_schema"]["required"] == ["tier"]
    assert triage["output_schema"]["properties"]["urgent"] == {"type": "boolean"}
    assert assistant["schedules"] == [
        {
            "id": "assistant:daily",
            "name": "daily",
            "cron": "0 9 * * *",
            "message": "Good morning",
            "instructions": None,
            "timezone": "UTC",
            "enabled": True,
        }
    ]


async def test_a_schema_set_in_code_is_the_one_shown(new_gateway: NewGateway) -> None:
    gw = new_gateway()
    gw.set_output_schema("assistant", {"type": "object", "properties": {"x": {"type": "string"}}})
    async with (
        gw,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gw),
            base_url="http://gateway",
            headers={"Authorization": "Bearer sk-alice"},
        ) as client,
    ):
        detail = (await client.get("/v1/agents/assistant")).json()
    assert detail["has_output_schema"] is True
    assert detail["output_schema"]["properties"] == {"x": {"type": "string"}}


async def test_an_unknown_agent_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/agents/nobody")

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "agent_not_found",
        "message": "agent not found: 'nobody'",
    }


async def test_skills_list_and_detail(client: httpx.AsyncClient) -> None:
    skills = (await client.get("/v1/skills")).json()
    detail = (await client.get("/v1/skills/lookup")).json()
    unknown = await client.get("/v1/skills/nope")

    assert skills == [
        {
            "id": "lookup",
            "name": "lookup",
            "description": "Look things up.",
            "tools": ["stock-level"],
            "has_workflow": False,
        }
    ]
    assert detail["instructions"] == "Use stock-level for stock questions."
    assert detail["workflow"] == []
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "skill_not_found"
    assert "'nope'" in unknown.json()["error"]["message"]


async def test_tools_list_and_detail(client: httpx.AsyncClient) -> None:
    tools = (await client.get("/v1/tools")).json()
    detail = (await client.get("/v1/tools/stock-level")).json()
    unknown = await client.get("/v1/tools/nope")

    assert [t["name"] for t in tools] == ["stock-level"]
    assert tools[0]["source"] == "file"
    assert set(tools[0]) == {"name", "description", "source", "parameters"}
    assert detail["parameters"]["properties"]["sku"]["type"] == "string"
    assert detail["path"].endswith("TOOL.md")
    assert detail["require_approval"] is False
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "tool_not_found"


async def test_tools_registered_in_code_are_listed(new_gateway: NewGateway) -> None:
    gw = new_gateway()

    @gw.tool
    def shout(text: str) -> str:
        """Upper-case the text."""
        return text.upper()

    async with (
        gw,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gw),
            base_url="http://gateway",
            headers={"Authorization": "Bearer sk-alice"},
        ) as client,
    ):
        detail = (await client.get("/v1/tools/shout")).json()
    assert detail["source"] == "code"
    assert detail["description"] == "Upper-case the text."
