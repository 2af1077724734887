"""The existing product's agent files over HTTP: AGENT.md's ``version`` and ``context:``,
BEHAVIOR.md beside it, and the shared ``agents/AGENTS.md`` and ``agents/BEHAVIOR.md``."""

from __future__ import annotations

import httpx
import pytest

from agent_gateway_core.errors import WorkspaceError
from agent_gateway_core.testing import ScriptedLLM

from .conftest import ALICE, NewGateway, WriteFiles

pytestmark = pytest.mark.integration

FILES = {
    "agents/AGENTS.md": "---\ntitle: Shared\n---\nSHARED-PROMPT: you work for Acme.\n",
    "agents/BEHAVIOR.md": "SHARED-BEHAVIOR: never share secrets.\n",
    "agents/support/AGENT.md": """\
        ---
        description: Answers support questions.
        version: 1.2
        context: [docs/refunds.md]
        ---
        AGENT-PROMPT: you answer support questions.
        """,
    "agents/support/BEHAVIOR.md": "AGENT-BEHAVIOR: be brief.\n",
    "agents/support/context/glossary.md": "CONTEXT-DIR: SLA means service level agreement.\n",
    "docs/refunds.md": "CONTEXT-LISTED: refunds take 30 days.\n",
}


async def test_agent_files_reach_the_system_prompt_in_order_and_version_is_shown(
    new_gateway: NewGateway, write_files: WriteFiles, model: ScriptedLLM
) -> None:
    write_files(FILES)
    async with (
        new_gateway() as gw,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gw), base_url="http://gateway", headers=ALICE
        ) as client,
    ):
        invoked = await client.post("/v1/agents/support/invoke", json={"message": "Refund?"})
        detail = (await client.get("/v1/agents/support")).json()
        listed = {a["id"]: a for a in (await client.get("/v1/agents")).json()}

    assert invoked.status_code == 200
    system = model.requests[0].messages[0].content
    markers = [
        "SHARED-PROMPT",
        "SHARED-BEHAVIOR",
        "AGENT-PROMPT",
        "AGENT-BEHAVIOR",
        "CONTEXT-DIR",
        "CONTEXT-LISTED",
    ]
    positions = [system.index(marker) for marker in markers]
    assert positions == sorted(positions)
    assert "title: Shared" not in system
    assert detail["version"] == listed["support"]["version"] == "1.2"
    assert listed["assistant"]["version"] is None
    # The shared files are not agents.
    assert sorted(listed) == ["assistant", "batch", "dormant", "support", "triage"]


async def test_bad_context_entries_stop_startup_with_every_problem(
    new_gateway: NewGateway, write_files: WriteFiles
) -> None:
    write_files(
        {
            "agents/one/AGENT.md": "---\ncontext: [docs/missing.md, ../../secret.md]\n---\nOne.\n",
            "agents/two/AGENT.md": "---\ncontext: docs/refunds.md\n---\nTwo.\n",
        }
    )
    gw = new_gateway()

    with pytest.raises(WorkspaceError) as caught:
        await gw.startup()

    assert [(p.path, p.field) for p in caught.value.problems] == [
        ("agents/one/AGENT.md", "context.0"),
        ("agents/one/AGENT.md", "context.1"),
        ("agents/two/AGENT.md", "context"),
    ]
    assert not gw.started
