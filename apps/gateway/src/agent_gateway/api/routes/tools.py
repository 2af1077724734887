"""Tools: from workspace files, registered in code, or offered by providers (MCP)."""

from __future__ import annotations

from fastapi import Request, Response
from pydantic import TypeAdapter

from agent_gateway.api.catalog import catalog_of
from agent_gateway.api.deps import Services, protected_router, requires
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.etags import CATALOG_CACHING, NOT_MODIFIED, conditional_response
from agent_gateway.api.schemas import ToolDetail, ToolOut
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.errors import ToolNotFoundError

router = protected_router(tags=["Tools"])

_TOOL_LIST = TypeAdapter(list[ToolOut])  # a ToolDetail listed shows ToolOut's fields


@router.get(
    "/v1/tools",
    dependencies=[requires(Scope.AGENTS_READ)],
    summary="List tools",
    description=CATALOG_CACHING,
    response_model=list[ToolOut],
    responses=NOT_MODIFIED,
)
async def list_tools(request: Request, services: Services) -> Response:
    catalog = catalog_of(services.runtime, request.app.state)
    listed = catalog.representation(
        "tools", lambda: _TOOL_LIST.dump_json(list(catalog.tools.values()))
    )
    return conditional_response(request, listed)


@router.get(
    "/v1/tools/{name}",
    dependencies=[requires(Scope.AGENTS_READ)],
    summary="Describe a tool",
    description=CATALOG_CACHING,
    response_model=ToolDetail,
    responses={**NOT_MODIFIED, 404: {"model": ErrorBody}},
)
async def get_tool(name: str, request: Request, services: Services) -> Response:
    catalog = catalog_of(services.runtime, request.app.state)
    tool = catalog.tools.get(name)
    if tool is None:
        raise ToolNotFoundError(name)
    return conditional_response(
        request, catalog.representation(("tool", name), tool.model_dump_json)
    )
