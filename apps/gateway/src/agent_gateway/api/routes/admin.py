"""Administration: reload the workspace. Needs the ``admin`` scope."""

from __future__ import annotations

from fastapi import Response

from agent_gateway.api.deps import Services, protected_router, requires
from agent_gateway.api.errors import ErrorBody, error_response
from agent_gateway.api.schemas import ReloadResponse
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.errors import ConfigError, WorkspaceError

router = protected_router(tags=["Admin"])


@router.post(
    "/v1/reload",
    summary="Reload the workspace",
    description=(
        "Load the workspace from disk and swap it in atomically; running executions finish "
        "on the old one. A workspace with problems changes nothing and answers 422 listing "
        "every problem in `details`."
    ),
    response_model=ReloadResponse,
    dependencies=[requires(Scope.ADMIN)],
    responses={
        422: {"model": ErrorBody, "description": "The workspace on disk has problems."},
    },
)
async def reload_workspace(services: Services) -> ReloadResponse | Response:
    try:
        await services.reload()
    except ConfigError as exc:
        headline, problems = problems_of(exc)
        return error_response(422, exc.code, headline, details=problems)
    runtime = services.runtime
    return ReloadResponse(
        agents=len(runtime.workspace.agents),
        skills=len(runtime.workspace.skills),
        tools=len(runtime.tool_registry.all()),
    )


def problems_of(exc: ConfigError) -> tuple[str, list[str]]:
    """The headline and the individual problems of a failed reload."""
    if isinstance(exc, WorkspaceError):
        return f"the workspace has {len(exc.problems)} problem(s)", [str(p) for p in exc.problems]
    headline, *lines = str(exc).split("\n")
    problems = [line.strip().removeprefix("- ") for line in lines if line.strip()]
    return headline.rstrip(":"), problems or [headline]
