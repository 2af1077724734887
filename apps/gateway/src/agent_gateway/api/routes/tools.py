"""Tools: from workspace files, registered in code, or offered by providers (MCP)."""

from __future__ import annotations

from fastapi import Request

from agent_gateway.api.catalog import catalog_of
from agent_gateway.api.deps import Services, protected_router, requires
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.schemas import ToolDetail, ToolOut
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.errors import ToolNotFoundError

router = protected_router(tags=["Tools"])


@router.get(
    "/v1/tools",
    dependencies=[requires(Scope.AGENTS_READ)],
    summary="List tools",
    response_model=list[ToolOut],
)
async def list_tools(request: Request, services: Services) -> list[ToolDetail]:
    return list(catalog_of(services.runtime, request.app.state).tools.values())


@router.get(
    "/v1/tools/{name}",
    dependencies=[requires(Scope.AGENTS_READ)],
    summary="Describe a tool",
    response_model=ToolDetail,
    responses={404: {"model": ErrorBody}},
)
async def get_tool(name: str, request: Request, services: Services) -> ToolDetail:
    tool = catalog_of(services.runtime, request.app.state).tools.get(name)
    if tool is None:
        raise ToolNotFoundError(name)
    return tool
