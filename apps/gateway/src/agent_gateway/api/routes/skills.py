"""Skills of the workspace."""

from __future__ import annotations

from fastapi import Request

from agent_gateway.api.catalog import catalog_of
from agent_gateway.api.deps import Services, protected_router, requires
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.schemas import SkillDetail, SkillOut
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.errors import SkillNotFoundError

router = protected_router(tags=["Skills"])


@router.get(
    "/v1/skills",
    dependencies=[requires(Scope.AGENTS_READ)],
    summary="List skills",
    response_model=list[SkillOut],
)
async def list_skills(request: Request, services: Services) -> list[SkillDetail]:
    return list(catalog_of(services.runtime, request.app.state).skills.values())


@router.get(
    "/v1/skills/{skill_id}",
    dependencies=[requires(Scope.AGENTS_READ)],
    summary="Describe a skill",
    response_model=SkillDetail,
    responses={404: {"model": ErrorBody}},
)
async def get_skill(skill_id: str, request: Request, services: Services) -> SkillDetail:
    skill = catalog_of(services.runtime, request.app.state).skills.get(skill_id)
    if skill is None:
        raise SkillNotFoundError(skill_id)
    return skill
