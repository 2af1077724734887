"""StaticToolProvider passes the ToolProvider contract."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.tool import ToolContext, ToolSpec
from agent_gateway_core.testing import StaticToolProvider
from agent_gateway_testing.contracts import ToolProviderContract
from agent_gateway_testing.contracts.tool_provider import ToolCallSpec

pytestmark = pytest.mark.unit


async def add(a: int, b: int) -> int:
    return a + b


def whoami(context: ToolContext) -> dict[str, str | None]:
    return {"agent": context.agent_id, "user": context.user_id}


def explode() -> None:
    raise RuntimeError("disk on fire")


class TestStaticToolProvider(ToolProviderContract):
    @pytest.fixture
    def tool_provider(self) -> StaticToolProvider:
        return StaticToolProvider(
            "math",
            {
                "add": (ToolSpec(name="add", description="a + b"), add),
                "whoami": (ToolSpec(name="whoami"), whoami),
                "explode": (ToolSpec(name="explode"), explode),
            },
        )

    @pytest.fixture
    def working_call(self) -> ToolCallSpec:
        return ("add", {"a": 2, "b": 3})

    @pytest.fixture
    def failing_call(self) -> ToolCallSpec:
        return ("explode", {})
