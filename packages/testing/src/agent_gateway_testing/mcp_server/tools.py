"""The MCP server the tests talk to: a few tools that cover every result shape and failure."""

from __future__ import annotations

import contextlib
import os

import anyio
from mcp import types
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

# A 1x1 transparent PNG and a few bytes of audio, base64: the media tool's binary content.
_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
_WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA="


def build_server() -> MCPServer:
    """The test server with its tools."""
    server = MCPServer("agent-gateway-test-server", log_level="WARNING")

    @server.tool()
    def add(a: int, b: int) -> dict[str, int]:
        """Add two integers (structured result: {"result": a + b})."""
        return {"result": a + b}

    @server.tool(structured_output=False)
    def echo(text: str) -> str:
        """Return the text unchanged (a single text content item)."""
        return text

    @server.tool()
    def fail(message: str) -> str:
        """Fail with the message (an isError result)."""
        raise ToolError(message)

    @server.tool()
    def pid() -> dict[str, int]:
        """The server's process id (structured: {"pid": N}), to tell restarts apart."""
        return {"pid": os.getpid()}

    @server.tool(structured_output=False)
    def env(name: str) -> str:
        """The server's environment variable ``name``, or "" when it is not set."""
        return os.environ.get(name, "")

    @server.tool(structured_output=False)
    async def slow(seconds: float) -> str:
        """Sleep, then answer "slept"."""
        await anyio.sleep(seconds)
        return "slept"

    @server.tool()
    def whoami(ctx: Context) -> dict[str, str | None]:
        """The authorization scheme and API-key header the request carried (HTTP only)."""
        headers = getattr(ctx.request_context.request, "headers", None) or {}
        authorization = headers.get("authorization")
        return {
            "scheme": authorization.split(" ", 1)[0] if authorization else None,
            "api_key": headers.get("x-api-key"),
        }

    @server.tool(structured_output=False)
    def media() -> list[types.ContentBlock]:
        """One content item of every kind: text, image, audio, resource link, embedded resource."""
        return [
            types.TextContent(text="caption"),
            types.ImageContent(data=_PNG, mime_type="image/png"),
            types.AudioContent(data=_WAV, mime_type="audio/wav"),
            types.ResourceLink(name="readme", uri="file:///readme.md", mime_type="text/markdown"),
            types.EmbeddedResource(
                resource=types.TextResourceContents(
                    uri="file:///note.txt", mime_type="text/plain", text="a note"
                )
            ),
        ]

    @server.tool(structured_output=False)
    async def grow(name: str, ctx: Context) -> str:
        """Add a tool called ``name`` (it answers its own name) and announce the list change."""

        def extra() -> str:
            return name

        server.add_tool(
            extra, name=name, description=f"added by grow({name!r})", structured_output=False
        )
        await ctx.notify_tools_changed()  # 2026 protocol: subscriptions/listen streams
        with contextlib.suppress(Exception):  # 2025 protocol: a spontaneous notification
            await ctx.session.send_tool_list_changed()
        return "grown"

    return server
