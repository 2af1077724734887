"""Skills of the workspace."""

from __future__ import annotations

from fastapi import Request, Response
from pydantic import TypeAdapter

from agent_gateway.api.catalog import catalog_of
from agent_gateway.api.deps import Services, protected_router, requires
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.etags import CATALOG_CACHING, NOT_MODIFIED, conditional_response
from agent_gateway.api.schemas import SkillDetail, SkillOut
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.errors import SkillNotFoundError

router = protected_router(tags=["Skills"])

_SKILL_LIST = TypeAdapter(list[SkillOut])  # a SkillDetail listed shows SkillOut's fields


@router.get(
    "/v1/skills",
    dependencies=[requires(Scope.AGENTS_READ)],
    summary="List skills",
    description=CATALOG_CACHING,
    response_model=list[SkillOut],
    responses=NOT_MODIFIED,
)
async def list_skills(request: Request, services: Services) -> Response:
    catalog = catalog_of(services.runtime, request.app.state)
    listed = catalog.representation(
        "skills", lambda: _SKILL_LIST.dump_json(list(catalog.skills.values()))
    )
    return conditional_response(request, listed)


@router.get(
    "/v1/skills/{skill_id}",
    dependencies=[requires(Scope.AGENTS_READ)],
    summary="Describe a skill",
    description=CATALOG_CACHING,
    response_model=SkillDetail,
    responses={**NOT_MODIFIED, 404: {"model": ErrorBody}},
)
async def get_skill(skill_id: str, request: Request, services: Services) -> Response:
    catalog = catalog_of(services.runtime, request.app.state)
    skill = catalog.skills.get(skill_id)
    if skill is None:
        raise SkillNotFoundError(skill_id)
    described = catalog.representation(("skill", skill_id), skill.model_dump_json)
    return conditional_response(request, described)
