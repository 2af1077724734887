"""StaticToolProvider beyond its contract: handler shapes, context, outages."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.tool import ToolContext, ToolSpec
from agent_gateway_core.errors import BackendUnavailableError, ToolExecutionError
from agent_gateway_core.testing import StaticToolProvider

pytestmark = pytest.mark.unit

CONTEXT = ToolContext(execution_id="e1", agent_id="agent-a", user_id="u1")


def double(x: int) -> int:
    return 2 * x


async def whoami(context: ToolContext) -> str:
    return f"{context.agent_id}/{context.user_id}"


def _provider() -> StaticToolProvider:
    return StaticToolProvider(
        "kit",
        {"double": (ToolSpec(name="ignored"), double), "whoami": (ToolSpec(name="w"), whoami)},
    )


async def test_the_mapping_key_names_the_tool() -> None:
    assert [s.name for s in await _provider().list_tools()] == ["double", "whoami"]


async def test_sync_and_async_handlers_and_the_context() -> None:
    provider = _provider()
    assert await provider.call_tool("double", {"x": 4}, CONTEXT) == 8
    assert await provider.call_tool("whoami", {}, CONTEXT) == "agent-a/u1"


async def test_wrong_arguments_fail_as_a_tool_execution_error() -> None:
    with pytest.raises(ToolExecutionError, match="tool 'double' of provider 'kit' failed"):
        await _provider().call_tool("double", {"y": 1}, CONTEXT)


async def test_an_unreachable_provider_raises_backend_unavailable() -> None:
    provider = _provider()
    provider.available = False
    with pytest.raises(BackendUnavailableError, match="'kit' is unavailable"):
        await provider.list_tools()
    with pytest.raises(BackendUnavailableError):
        await provider.call_tool("double", {"x": 1}, CONTEXT)


async def test_aclose_marks_the_provider_closed() -> None:
    provider = _provider()
    await provider.aclose()
    assert provider.closed is True
