"""A configured feature this installation cannot serve stops startup; none is silently ignored."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent_gateway import Gateway
from agent_gateway_core.domain.memory import MemoryScope
from agent_gateway_core.errors import ConfigError, MissingExtraError
from agent_gateway_core.testing import InMemoryPersistence, RecordingNotificationBackend

pytestmark = pytest.mark.unit

WriteWorkspace = Callable[..., Path]

# (how it is configured, the extra whose install line the error must give)
NEEDS_AN_EXTRA: dict[str, tuple[Callable[[Gateway], Any], str]] = {
    "use_redis_queue": (lambda gw: gw.use_redis_queue(), "redis"),
    "use_rabbitmq_queue": (lambda gw: gw.use_rabbitmq_queue(), "rabbitmq"),
    "use_oauth2": (lambda gw: gw.use_oauth2("https://issuer.test", "agents"), "oauth2"),
    "use_slack_notifications": (lambda gw: gw.use_slack_notifications("xoxb-test"), "slack"),
    "use_webhook_notifications": (
        lambda gw: gw.use_webhook_notifications("https://hook.test/x"),
        "webhooks",
    ),
    "add_mcp_server (stdio)": (
        lambda gw: gw.add_mcp_server("fs", "stdio", command="mcp-fs"),
        "mcp",
    ),
    "add_mcp_server (http)": (
        lambda gw: gw.add_mcp_server("remote", "streamable_http", url="https://mcp.test/mcp"),
        "mcp",
    ),
}


@pytest.mark.parametrize("feature", sorted(NEEDS_AN_EXTRA))
async def test_a_feature_without_its_adapter_stops_startup_with_the_install_line(
    feature: str, write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    for adapter in (
        "agent_gateway_oauth2", "agent_gateway_redis", "agent_gateway_rabbitmq",
        "agent_gateway_slack", "agent_gateway_webhooks", "agent_gateway_mcp",
    ):  # fmt: skip
        monkeypatch.setitem(sys.modules, adapter, None)  # as if it were not installed
    configure, extra = NEEDS_AN_EXTRA[feature]
    gw = Gateway(workspace=write_workspace())
    configure(gw)
    with pytest.raises(MissingExtraError) as caught:
        await gw.startup()
    assert f"pip install 'agents-gateway[{extra}]'" in str(caught.value)
    assert caught.value.extra == extra
    assert not gw.started


async def test_use_oauth2_after_auth_false_turns_auth_on_and_needs_its_adapter(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "agent_gateway_oauth2", None)
    gw = Gateway(workspace=write_workspace(), auth=False).use_oauth2("https://i.test", "a")
    with pytest.raises(MissingExtraError, match=r"agents-gateway\[oauth2\]"):
        await gw.startup()


@pytest.mark.parametrize(
    ("section", "extra"),
    [
        ("queue:\n  backend: redis\n", "redis"),
        ("queue:\n  backend: rabbitmq\n", "rabbitmq"),
    ],
)
async def test_a_backend_chosen_in_gateway_yaml_needs_its_extra_too(
    section: str, extra: str, write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, f"agent_gateway_{extra}", None)  # as if not installed
    with pytest.raises(MissingExtraError, match=rf"pip install 'agents-gateway\[{extra}\]'"):
        async with Gateway(workspace=write_workspace(yaml=section), auth=False):
            pass


# (how SQL persistence is chosen, the module that is missing, the extra that brings it back)
SQL_PERSISTENCE_WITHOUT_A_MODULE = {
    "use_sqlite, no aiosqlite": (lambda gw: gw.use_sqlite(":memory:"), "aiosqlite", "sqlite"),
    "use_sqlite, no adapter": (
        lambda gw: gw.use_sqlite(":memory:"),
        "agent_gateway_sqlalchemy",
        "sqlite",
    ),
    "use_postgres, no asyncpg": (
        lambda gw: gw.use_postgres("postgresql+asyncpg://u:p@db.test/agents"),
        "asyncpg",
        "postgres",
    ),
    "gateway.yaml sqlite, no aiosqlite": (lambda gw: gw, "aiosqlite", "sqlite"),
}


@pytest.mark.parametrize("case", sorted(SQL_PERSISTENCE_WITHOUT_A_MODULE))
async def test_sql_persistence_without_its_driver_or_adapter_names_the_extra(
    case: str, write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure, missing, extra = SQL_PERSISTENCE_WITHOUT_A_MODULE[case]
    monkeypatch.delenv("AGENT_GATEWAY_PERSISTENCE__BACKEND")
    monkeypatch.setitem(sys.modules, missing, None)  # as if it were not installed
    gw = configure(Gateway(workspace=write_workspace(yaml="persistence:\n  backend: sqlite\n")))
    with pytest.raises(MissingExtraError) as caught:
        await gw.startup()
    assert f"pip install 'agents-gateway[{extra}]'" in str(caught.value)
    assert "persistence" in str(caught.value)
    assert not gw.started


async def test_a_custom_backend_in_code_wins_over_an_uninstalled_one_in_yaml(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGENT_GATEWAY_PERSISTENCE__BACKEND")
    monkeypatch.setitem(sys.modules, "aiosqlite", None)
    store = InMemoryPersistence()
    gw = Gateway(workspace=write_workspace(yaml="persistence:\n  backend: sqlite\n"), auth=False)
    async with gw.use_persistence(store).use_queue(None):
        assert gw.services is not None
        assert gw.services.persistence is store
        assert gw.services.queue is None


async def test_a_disabled_mcp_server_needs_no_extra(write_workspace: WriteWorkspace) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)
    gw.add_mcp_server("fs", "stdio", command="mcp-fs", enabled=False)
    async with gw:
        assert gw.started


async def test_file_memory_needs_no_extra_and_keeps_memory_md_in_the_workspace(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(
        {
            "agents/keeper/AGENT.md": "---\ndescription: Keeps.\nmemory: {enabled: true}\n---\nKeep.\n"
        }
    )
    gw = Gateway(workspace=root, auth=False).use_file_memory()
    async with gw:
        memory = gw.memory_manager
        assert memory is not None
        await memory.remember(MemoryScope(agent_id="keeper"), "The office opens at 9")
    assert "The office opens at 9" in (root / "agents/keeper/MEMORY.md").read_text()


async def test_the_dashboard_is_refused_as_unavailable_in_this_release(
    write_workspace: WriteWorkspace,
) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False).use_dashboard(auth_password="secret")
    with pytest.raises(ConfigError, match="dashboard is not available in this release"):
        await gw.startup()
    assert not gw.started


async def test_a_custom_notification_backend_is_delivered_through(
    write_workspace: WriteWorkspace,
) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)
    email = RecordingNotificationBackend("email")
    gw.use_notifications(email)
    async with gw:
        assert gw.services is not None
        dispatcher = gw.services.runtime.notifications
        assert dispatcher is not None
        assert dispatcher.backends == {"email": email}


async def test_use_notifications_none_clears_what_would_have_failed(
    write_workspace: WriteWorkspace,
) -> None:
    gw = Gateway(workspace=write_workspace(), auth=False)
    gw.use_slack_notifications("xoxb-test").use_webhook_notifications("https://hook.test/x")
    gw.use_notifications(RecordingNotificationBackend()).use_notifications(None)
    async with gw:
        assert gw.started


async def test_a_failed_startup_leaves_the_gateway_startable(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "agent_gateway_redis", None)  # as if not installed
    gw = Gateway(workspace=write_workspace(), auth=False).use_redis_queue()
    with pytest.raises(MissingExtraError):
        await gw.startup()
    gw.use_memory_queue()  # still configurable: it never started
    async with gw:
        assert gw.started
