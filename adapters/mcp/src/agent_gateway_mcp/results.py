"""MCP tools and tool results in the gateway's terms."""

from __future__ import annotations

from typing import Any

from mcp import types

from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.errors import ToolExecutionError


def tool_spec(tool: types.Tool) -> ToolSpec:
    """The tool as the model sees it: its input schema passed through, as an object schema."""
    parameters = dict(tool.input_schema)
    parameters.setdefault("type", "object")
    return ToolSpec(name=tool.name, description=tool.description or "", parameters=parameters)


def call_result(tool_name: str, result: types.CallToolResult) -> Any:
    """A JSON-serialisable result: the structured content if any, else the text of a single
    text item, else every content item as a dict. An ``isError`` result raises
    :class:`ToolExecutionError` with the server's text."""
    if result.is_error:
        text = "\n".join(b.text for b in result.content if isinstance(b, types.TextContent))
        raise ToolExecutionError(text or f"MCP tool {tool_name!r} failed", tool_name=tool_name)
    if result.structured_content is not None:
        return result.structured_content
    if len(result.content) == 1 and isinstance(result.content[0], types.TextContent):
        return result.content[0].text
    return [content_item(block) for block in result.content]


def content_item(block: types.ContentBlock) -> dict[str, Any]:
    """One content item with its wire field names: text → type, text; image and audio →
    type, mimeType, data; resource links and embedded resources → their fields."""
    item = block.model_dump(mode="json", by_alias=True, exclude_none=True)
    item.pop("_meta", None)
    return item
