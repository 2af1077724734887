"""ToolRegistry.remove_provider / refresh_provider / provider_tools, which the directory uses."""

from __future__ import annotations

import asyncio
import logging

import pytest

from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.testing import StaticToolProvider

pytestmark = pytest.mark.unit


def provider(name: str = "files", *tools: str) -> StaticToolProvider:
    tools = tools or ("read",)
    return StaticToolProvider(name, {t: (ToolSpec(name=t), lambda t=t: t) for t in tools})


async def test_provider_tools_are_the_last_listed_by_their_prefixed_names() -> None:
    registry = ToolRegistry()
    registry.add_provider(provider("files", "read", "write"))
    assert registry.provider_tools("files") == {}  # not listed yet

    await registry.refresh_provider("files")

    assert set(registry.provider_tools("files")) == {"files__read", "files__write"}
    assert registry.provider_tools("files")["files__read"].provider == "files"
    assert registry.provider_tools("nobody") == {}


async def test_refresh_changes_the_version_only_when_the_tools_change() -> None:
    registry = ToolRegistry()
    files = provider("files", "read")
    registry.add_provider(files)
    await registry.refresh_provider("files")
    version = registry.version

    await registry.refresh_provider("files")
    assert registry.version == version

    registry.add_provider(provider("other"))
    await registry.refresh_provider("other")
    assert registry.version == version + 1


async def test_a_provider_that_fails_keeps_its_last_tools_quietly_or_not(caplog) -> None:
    caplog.set_level(logging.WARNING)
    registry = ToolRegistry()
    files = provider("files", "read")
    registry.add_provider(files)
    await registry.refresh_provider("files")
    files.available = False

    await registry.refresh_provider("files")
    assert "could not list its tools" not in caplog.text
    await registry.refresh_provider("files", quiet=False)
    assert "could not list its tools" in caplog.text
    assert set(registry.provider_tools("files")) == {"files__read"}


async def test_refresh_of_an_unknown_provider_does_nothing() -> None:
    registry = ToolRegistry()
    await registry.refresh_provider("nobody")
    assert registry.version == 0


async def test_remove_provider_takes_it_and_its_tools_out() -> None:
    registry = ToolRegistry()
    files = provider("files", "read")
    registry.add_provider(files)
    await registry.refresh_provider("files")
    version = registry.version

    assert registry.remove_provider("files") is files
    assert registry.get("files__read") is None
    assert "files" not in registry.providers
    assert registry.version == version + 1
    assert files.closed is False  # the caller closes it
    assert registry.remove_provider("files") is None
    assert registry.version == version + 1
    registry.add_provider(provider("files"))  # the name is free again


async def test_a_provider_removed_while_listing_does_not_come_back() -> None:
    registry = ToolRegistry()
    listing, release = asyncio.Event(), asyncio.Event()

    class Slow(StaticToolProvider):
        async def list_tools(self) -> list[ToolSpec]:
            listing.set()
            await release.wait()
            return await super().list_tools()

    registry.add_provider(Slow("slow", {"t": (ToolSpec(name="t"), lambda: 1)}))
    refresh = asyncio.create_task(registry.refresh_provider("slow"))
    await listing.wait()
    registry.remove_provider("slow")
    replacement = provider("slow", "new")
    registry.add_provider(replacement)
    release.set()
    await refresh

    assert registry.provider_tools("slow") == {}
    await registry.refresh_provider("slow")
    assert set(registry.provider_tools("slow")) == {"slow__new"}


async def test_a_reloaded_registry_shares_the_providers() -> None:
    registry = ToolRegistry()
    reloaded = registry.with_workspace_tools({})
    registry.add_provider(provider("files", "read"))
    await registry.refresh_provider("files")

    assert reloaded.get("files__read") is not None
    registry.remove_provider("files")
    assert reloaded.get("files__read") is None
