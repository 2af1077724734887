"""Tools and results as the gateway sees them."""

from __future__ import annotations

import json

import pytest

from agent_gateway_core.domain.tool import ToolContext
from agent_gateway_core.errors import ToolExecutionError, ToolNotFoundError
from agent_gateway_testing.mcp_server import McpServerProcess

from .support import MakeProvider

pytestmark = pytest.mark.integration


async def test_tools_keep_their_names_descriptions_and_input_schemas(
    make_provider: MakeProvider, http_server: McpServerProcess
) -> None:
    provider = await make_provider(http_server.config())

    specs = {spec.name: spec for spec in await provider.list_tools()}

    assert {"add", "echo", "fail", "pid", "env", "slow", "whoami", "media", "grow"} <= specs.keys()
    add = specs["add"]
    assert add.description.startswith("Add two integers")
    assert add.parameters["type"] == "object"
    assert add.parameters["required"] == ["a", "b"]
    assert add.parameters["properties"]["a"]["type"] == "integer"
    assert provider.status().tool_count == len(specs)


async def test_structured_content_is_returned_as_is(
    make_provider: MakeProvider, http_server: McpServerProcess, context: ToolContext
) -> None:
    provider = await make_provider(http_server.config())

    assert await provider.call_tool("add", {"a": 40, "b": 2}, context) == {"result": 42}


async def test_a_single_text_item_is_returned_as_its_text(
    make_provider: MakeProvider, http_server: McpServerProcess, context: ToolContext
) -> None:
    provider = await make_provider(http_server.config())

    assert await provider.call_tool("echo", {"text": "héllo\nworld"}, context) == "héllo\nworld"


async def test_other_content_is_returned_item_by_item(
    make_provider: MakeProvider, http_server: McpServerProcess, context: ToolContext
) -> None:
    provider = await make_provider(http_server.config())

    items = await provider.call_tool("media", {}, context)

    json.dumps(items)
    assert [item["type"] for item in items] == [
        "text",
        "image",
        "audio",
        "resource_link",
        "resource",
    ]
    text, image, audio, link, embedded = items
    assert text == {"type": "text", "text": "caption"}
    assert image["mimeType"] == "image/png"
    assert image["data"].startswith("iVBOR")
    assert audio["mimeType"] == "audio/wav"
    assert audio["data"]
    assert link == {
        "type": "resource_link",
        "name": "readme",
        "uri": "file:///readme.md",
        "mimeType": "text/markdown",
    }
    assert embedded == {
        "type": "resource",
        "resource": {"uri": "file:///note.txt", "mimeType": "text/plain", "text": "a note"},
    }


async def test_an_error_result_raises_with_the_servers_text(
    make_provider: MakeProvider, http_server: McpServerProcess, context: ToolContext
) -> None:
    provider = await make_provider(http_server.config())

    with pytest.raises(ToolExecutionError, match="disk on fire") as raised:
        await provider.call_tool("fail", {"message": "disk on fire"}, context)
    assert raised.value.tool_name == "fail"


async def test_bad_arguments_come_back_as_a_tool_error(
    make_provider: MakeProvider, http_server: McpServerProcess, context: ToolContext
) -> None:
    provider = await make_provider(http_server.config())

    with pytest.raises(ToolExecutionError, match="add"):
        await provider.call_tool("add", {"a": "forty"}, context)


async def test_an_unlisted_tool_is_not_found_without_asking_the_server(
    make_provider: MakeProvider, http_server: McpServerProcess, context: ToolContext
) -> None:
    provider = await make_provider(http_server.config())

    with pytest.raises(ToolNotFoundError, match="'nope'"):
        await provider.call_tool("nope", {}, context)
