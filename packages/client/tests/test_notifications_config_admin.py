"""``notifications``, ``config`` (personal agents), ``admin`` and ``health`` against the real
gateway."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from agent_gateway_client import (
    AgentConfig,
    BadRequestError,
    Health,
    McpServer,
    NotFoundError,
    ValidationError,
)
from agent_gateway_testing.mcp_server import stdio_server_command

from ._flavours import Both

pytestmark = pytest.mark.integration


async def test_a_failed_delivery_is_listed_and_retried(client: Both) -> None:
    result = await client.agents.invoke("reporter", "Report")

    for _ in range(250):
        page = await client.notifications.list(execution_id=result.execution_id)
        if page.total and all(item.status == "failed" for item in page):
            break
        await asyncio.sleep(0.02)
    delivery = page[0]
    retried = await client.notifications.retry(delivery.id)
    failed_only = await client.notifications.list(status="failed", limit=1)

    assert (delivery.target, delivery.channel, delivery.status) == ("#gone", "slack", "failed")
    assert "rejects deliveries" in (delivery.last_error or "")
    assert retried.id == delivery.id
    assert retried.status == "pending"
    assert failed_only.limit == 1
    with pytest.raises(NotFoundError):
        await client.notifications.retry("no-such-delivery")


async def test_a_personal_agent_is_set_up_read_and_deleted(client: Both) -> None:
    schema = await client.config.setup_schema("mine")

    with pytest.raises(ValidationError) as incomplete:
        await client.config.save("mine", {"region": "eu"})
    saved = await client.config.save(
        "mine", {"region": "eu", "api_key": "sk-provider-123"}, instructions="Be brief."
    )
    read = await client.config.get("mine")
    deleted = await client.config.delete("mine")

    assert schema.setup_schema is not None
    assert schema.setup_schema["properties"]["api_key"]["sensitive"] is True
    assert any("api_key" in f.message or f.path == "api_key" for f in incomplete.value.errors)
    assert isinstance(saved, AgentConfig)
    assert saved.config_values == {"region": "eu"}
    assert saved.secrets == {"api_key": "***"}
    assert read.instructions == "Be brief."
    assert read.setup_completed
    assert deleted.deleted
    with pytest.raises(NotFoundError):
        await client.config.get("mine")
    with pytest.raises(BadRequestError) as shared:
        await client.config.setup_schema("assistant")
    assert shared.value.code == "not_personal_agent"


async def test_reload_and_memory_compaction(client: Both) -> None:
    reloaded = await client.admin.reload()
    compacted = await client.admin.compact_memory("rememberer", force=True)

    assert reloaded.status == "reloaded"
    assert reloaded.agents >= 7
    assert compacted.agent_id == "rememberer"
    assert compacted.global_compacted == 0


async def test_an_mcp_server_is_managed_end_to_end(client: Both) -> None:
    command, args = stdio_server_command()
    name = f"local-{uuid.uuid4().hex[:6]}"

    created = await client.admin.mcp_servers.create(name, "stdio", command=command, args=list(args))
    try:
        listed = await client.admin.mcp_servers.list()
        got = await client.admin.mcp_servers.get(created.id)
        tools = await client.admin.mcp_servers.tools(created.id)
        tested = await client.admin.mcp_servers.test(created.id)
        refreshed = await client.admin.mcp_servers.refresh(created.id)
        updated = await client.admin.mcp_servers.update(created.id, enabled=False)
    finally:
        deleted = await client.admin.mcp_servers.delete(created.id)

    assert isinstance(created, McpServer)
    assert created.connected
    assert created.origin == "database"
    assert created.id in [s.id for s in listed]
    assert got.name == name
    assert f"{name}__add" in [t.name for t in tools]
    assert tested.success
    assert tested.tool_count == len(tools)
    assert refreshed.connected
    assert updated.enabled is False
    assert deleted.deleted
    with pytest.raises(NotFoundError):
        await client.admin.mcp_servers.get(created.id)


async def test_health_reports_the_details_to_a_known_caller(client: Both) -> None:
    health = await client.health()

    assert isinstance(health, Health)
    assert health.ok
    assert health.auth == "on"
    assert health.checks["persistence"] == "ok"
