"""Contract of ToolProvider: listing and calling tools by their unprefixed names."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agent_gateway_core.domain.tool import ToolContext, ToolSpec
from agent_gateway_core.errors import ToolExecutionError, ToolNotFoundError
from agent_gateway_core.ports.tool_provider import ToolProvider
from agent_gateway_testing.contracts._required import fixture_required

ToolCallSpec = tuple[str, dict[str, Any]]
"""A tool name (unprefixed) and its arguments."""


class ToolProviderContract:
    """Every sentence of the ToolProvider docstring.

    Subclasses override ``tool_provider``, ``working_call`` (a call that succeeds) and
    ``failing_call`` (a call whose tool raises inside).
    """

    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    def tool_provider(self) -> ToolProvider:
        fixture_required(self, "tool_provider")

    @pytest.fixture
    def working_call(self) -> ToolCallSpec:
        fixture_required(self, "working_call")

    @pytest.fixture
    def failing_call(self) -> ToolCallSpec:
        fixture_required(self, "failing_call")

    @pytest.fixture
    def tool_context(self) -> ToolContext:
        return ToolContext(execution_id="exec-contract", agent_id="agent-contract", user_id="u1")

    async def test_provider_has_a_name(self, tool_provider: ToolProvider) -> None:
        assert isinstance(tool_provider.name, str)
        assert tool_provider.name

    async def test_list_tools_gives_specs_with_unique_names(
        self, tool_provider: ToolProvider, working_call: ToolCallSpec
    ) -> None:
        specs = await tool_provider.list_tools()
        assert all(isinstance(spec, ToolSpec) for spec in specs)
        names = [spec.name for spec in specs]
        assert len(names) == len(set(names))
        assert working_call[0] in names
        assert all(spec.parameters.get("type") == "object" for spec in specs)

    async def test_call_tool_returns_a_json_serialisable_result(
        self, tool_provider: ToolProvider, working_call: ToolCallSpec, tool_context: ToolContext
    ) -> None:
        name, arguments = working_call
        result = await tool_provider.call_tool(name, arguments, tool_context)
        json.dumps(result)

    async def test_call_of_an_unknown_tool_raises_tool_not_found(
        self, tool_provider: ToolProvider, tool_context: ToolContext
    ) -> None:
        with pytest.raises(ToolNotFoundError, match="no_such_tool") as raised:
            await tool_provider.call_tool("no_such_tool", {}, tool_context)
        assert raised.value.tool_name == "no_such_tool"

    async def test_a_failure_inside_the_tool_raises_tool_execution_error(
        self, tool_provider: ToolProvider, failing_call: ToolCallSpec, tool_context: ToolContext
    ) -> None:
        name, arguments = failing_call
        with pytest.raises(ToolExecutionError, match=r"\w") as raised:
            await tool_provider.call_tool(name, arguments, tool_context)
        assert raised.value.tool_name == name

    async def test_aclose_twice_is_harmless(self, tool_provider: ToolProvider) -> None:
        await tool_provider.aclose()
        await tool_provider.aclose()
