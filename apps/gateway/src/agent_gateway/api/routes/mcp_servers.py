"""``/v1/admin/mcp-servers``: the existing product's eight routes — list, create, get, update,
delete, refresh, test and tools — with the ``admin`` scope.

Servers created here are stored in the database (headers, environment and credentials
encrypted with the SecretBox, never returned) and connected at once; the other replicas follow
within ``mcp.sync_interval_seconds``. Servers registered in code or in gateway.yaml are listed
too, read-only. Without the MCP adapter every route answers 503 ``mcp_unavailable``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Response
from pydantic import RootModel

from agent_gateway.api.deps import BODY_RESPONSES, STORE_RESPONSES, Services, protected_router
from agent_gateway.api.deps import requires as _requires
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.mcp_schemas import (
    CreateMcpServerRequest,
    McpDeleteResponse,
    McpServerResponse,
    McpTestResponse,
    McpTestToolResponse,
    McpToolResponse,
    UpdateMcpServerRequest,
    server_response,
)
from agent_gateway.api.safe_json import json_response
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.engine.tool_registry import PROVIDER_SEPARATOR
from agent_gateway_core.errors import BackendUnavailableError, ConfigError
from agent_gateway_core.mcp_servers import McpServerDirectory

router = protected_router(tags=["Admin"], responses=STORE_RESPONSES)

_BASE = "/v1/admin/mcp-servers"
_ID = _BASE + "/{server_id}"
_ADMIN = [_requires(Scope.ADMIN)]
_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorBody, "description": "The MCP adapter is not installed."}
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown MCP server."},
    **_UNAVAILABLE,
}
_WRITE: dict[int | str, dict[str, Any]] = {
    **_NOT_FOUND,
    **BODY_RESPONSES,
    409: {
        "model": ErrorBody,
        "description": "The name is taken, or the server is registered in code or gateway.yaml "
        "(`mcp_server_read_only`).",
    },
    422: {"model": ErrorBody, "description": "A configuration that cannot work as given."},
}


_ServerList = RootModel[list[McpServerResponse]]
_ToolList = RootModel[list[McpToolResponse]]


# The MCP adapter's error codes, as the existing product's test answer names them.
_TEST_ERROR_CODES = {"mcp_auth_failed": "auth_error", "mcp_timeout": "timeout"}


class McpUnavailableError(BackendUnavailableError):
    """No MCP adapter: what to install is safe to say (it names no server)."""

    code = "mcp_unavailable"

    @property
    def public_message(self) -> str:
        return str(self)


def _directory(services: Services) -> McpServerDirectory:
    directory = services.runtime.mcp_servers
    if directory is None:
        raise McpUnavailableError(
            "MCP servers need the MCP adapter: pip install 'agents-gateway[mcp]'"
        )
    return directory


Directory = Annotated[McpServerDirectory, Depends(_directory)]


@router.get(
    _BASE,
    dependencies=_ADMIN,
    summary="List MCP servers",
    description="Every server by name: stored ones, and read-only ones from code or gateway.yaml.",
    response_model=list[McpServerResponse],
    responses=_UNAVAILABLE,
)
async def list_mcp_servers(directory: Directory) -> Response:
    return json_response(_ServerList([server_response(view) for view in directory.servers()]))


@router.post(
    _BASE,
    dependencies=_ADMIN,
    summary="Create an MCP server",
    description="Stores it and connects it; its tools are offered to agents whose AGENT.md "
    "lists it in `mcp_servers:`. A server that cannot be reached yet is stored all the same "
    "(`connected: false`, `error` says why) and connected when it comes up.",
    status_code=201,
    response_model=McpServerResponse,
    responses=_WRITE,
)
async def create_mcp_server(body: CreateMcpServerRequest, directory: Directory) -> Response:
    view = await directory.create(
        name=body.name,
        transport=body.transport,
        command=body.command,
        args=body.args or (),
        env=body.env,
        url=body.url,
        headers=body.headers,
        credentials=body.credentials,
        enabled=body.enabled,
    )
    return json_response(
        server_response(view),
        status_code=201,
        headers={"Location": f"{_BASE}/{view.config.id}"},
    )


@router.get(
    _ID,
    dependencies=_ADMIN,
    summary="Get an MCP server",
    response_model=McpServerResponse,
    responses=_NOT_FOUND,
)
async def get_mcp_server(server_id: str, directory: Directory) -> Response:
    return json_response(server_response(directory.get(server_id)))


@router.put(
    _ID,
    dependencies=_ADMIN,
    summary="Update an MCP server",
    description="Only the fields given change; the server reconnects with them.",
    response_model=McpServerResponse,
    responses=_WRITE,
)
async def update_mcp_server(
    server_id: str, body: UpdateMcpServerRequest, directory: Directory
) -> Response:
    view = await directory.update(server_id, body.model_dump(exclude_unset=True))
    return json_response(server_response(view))


@router.delete(
    _ID,
    dependencies=_ADMIN,
    summary="Delete an MCP server",
    description="Disconnects it and deletes it; its tools are gone on every replica within "
    "the sync interval.",
    response_model=McpDeleteResponse,
    responses=_WRITE,
)
async def delete_mcp_server(server_id: str, directory: Directory) -> Response:
    await directory.delete(server_id)
    return json_response(McpDeleteResponse(deleted=True))


@router.post(
    f"{_ID}/refresh",
    dependencies=_ADMIN,
    summary="Reconnect an MCP server and list its tools again",
    response_model=McpServerResponse,
    responses=_NOT_FOUND,
)
async def refresh_mcp_server(server_id: str, directory: Directory) -> Response:
    return json_response(server_response(await directory.refresh(server_id)))


@router.post(
    f"{_ID}/test",
    dependencies=_ADMIN,
    summary="Test an MCP server",
    description="Connects once, apart from the running connection, lists the tools and "
    "disconnects. A failure is a 200 answer with `success: false` and an `error_code`.",
    response_model=McpTestResponse,
    responses=_NOT_FOUND,
)
async def test_mcp_server(server_id: str, directory: Directory) -> Response:
    try:
        tools = await directory.test(server_id)
    except (BackendUnavailableError, ConfigError) as exc:
        return json_response(
            McpTestResponse(
                success=False, tool_count=0, tools=[], error=str(exc), error_code=_code_of(exc)
            )
        )
    return json_response(
        McpTestResponse(
            success=True,
            tool_count=len(tools),
            tools=[McpTestToolResponse(name=t.name, description=t.description) for t in tools],
        )
    )


@router.get(
    f"{_ID}/tools",
    dependencies=_ADMIN,
    summary="List an MCP server's tools",
    description="The tools it listed last, with their JSON Schemas as the model sees them.",
    response_model=list[McpToolResponse],
    responses=_NOT_FOUND,
)
async def list_mcp_server_tools(server_id: str, directory: Directory) -> Response:
    view = directory.get(server_id)
    name = view.config.name
    return json_response(
        _ToolList(
            [
                McpToolResponse(
                    name=f"{name}{PROVIDER_SEPARATOR}{tool.name}",
                    original_name=tool.name,
                    server_name=name,
                    description=tool.description,
                    input_schema=tool.parameters,
                )
                for tool in view.tools
            ]
        )
    )


def _code_of(exc: Exception) -> Any:
    """The existing product's error codes of a failed test."""
    if isinstance(exc, ConfigError):
        return "config_error"
    return _TEST_ERROR_CODES.get(getattr(exc, "code", ""), "connection_error")
