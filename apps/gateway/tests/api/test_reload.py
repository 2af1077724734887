"""POST /v1/reload: an atomic swap of the workspace, or nothing at all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import httpx
import pytest

from agent_gateway.api.routes.admin import problems_of
from agent_gateway_core.errors import ConfigError

pytestmark = pytest.mark.integration

WriteFiles = Callable[[Mapping[str, str]], None]

NEW_AGENT = """\
---
description: Greets people.
input_schema:
  type: object
  properties:
    name: {type: string}
  required: [name]
---
Greet the person by name.
"""


async def test_reload_serves_the_new_workspace(
    client: httpx.AsyncClient, write_files: WriteFiles
) -> None:
    write_files({"agents/greeter/AGENT.md": NEW_AGENT})

    response = await client.post("/v1/reload")

    assert response.status_code == 200
    assert response.json() == {"status": "reloaded", "agents": 5, "skills": 1, "tools": 1}
    ids = [a["id"] for a in (await client.get("/v1/agents")).json()]
    assert "greeter" in ids
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/v1/agents/greeter/invoke" in paths
    invoked = await client.post(
        "/v1/agents/greeter/invoke", json={"message": "hi", "input": {"name": "Ada"}}
    )
    assert invoked.status_code == 200


async def test_reload_drops_typed_routes_of_agents_that_lost_their_schema(
    client: httpx.AsyncClient, write_files: WriteFiles
) -> None:
    write_files({"agents/triage/AGENT.md": "---\ndescription: No schema now.\n---\nClassify.\n"})

    await client.post("/v1/reload")

    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/v1/agents/triage/invoke" not in paths
    invoked = await client.post("/v1/agents/triage/invoke", json={"message": "hi"})
    assert invoked.status_code == 200


async def test_a_broken_workspace_is_422_listing_every_problem_and_the_old_one_keeps_serving(
    client: httpx.AsyncClient, write_files: WriteFiles
) -> None:
    before = (await client.get("/v1/agents")).json()
    write_files(
        {
            "agents/hot/AGENT.md": "---\nmodel: {temperature: 9}\n---\nToo hot.\n",
            "tools/broken/TOOL.md": "---\nname: broken\ndescription: No handler.\n---\n",
        }
    )

    response = await client.post("/v1/reload")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "workspace_error"
    assert len(error["details"]) == 2
    assert any("agents/hot/AGENT.md" in d and "temperature" in d for d in error["details"])
    assert any("tools/broken" in d and "handler.py" in d for d in error["details"])
    assert (await client.get("/v1/agents")).json() == before
    invoked = await client.post("/v1/agents/assistant/invoke", json={"message": "still here"})
    assert invoked.json()["raw_text"] == "echo: still here"


async def test_a_broken_gateway_yaml_fails_the_reload(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    config = workspace / "gateway.yaml"
    config.write_text(config.read_text() + "server: {port: 99999}\n")

    response = await client.post("/v1/reload")

    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        "gateway.yaml: server.port: Input should be less than or equal to 65535"
    ]


def test_a_configuration_error_lists_its_problems_one_per_line() -> None:
    error = ConfigError(
        "agents cannot be built:\n  - agent 'a': no tool 'x'\n  - agent 'b': no skill"
    )

    assert problems_of(error) == (
        "agents cannot be built",
        ["agent 'a': no tool 'x'", "agent 'b': no skill"],
    )
    assert problems_of(ConfigError("one line")) == ("one line", ["one line"])


async def test_reload_needs_the_admin_scope(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/reload", headers={"Authorization": "Bearer sk-reader"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert "'admin'" in response.json()["error"]["message"]
