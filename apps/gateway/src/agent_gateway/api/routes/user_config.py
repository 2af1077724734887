"""User config: each caller's own configuration of a personal agent (``scope: personal``).

The user is the caller's credential (with authentication off, the user ``anonymous``): one
user never reads, changes or deletes another's configuration.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from agent_gateway.api.catalog import catalog_of
from agent_gateway.api.deps import (
    BODY_RESPONSES,
    STORE_RESPONSES,
    CurrentPrincipal,
    Services,
    protected_router,
    requires,
    user_id_of,
)
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.etags import CATALOG_CACHING, NOT_MODIFIED, conditional_response
from agent_gateway.api.user_config_schemas import (
    AgentConfigRequest,
    AgentConfigResponse,
    ConfigDeletedResponse,
    SetupSchemaResponse,
)
from agent_gateway_core.domain.agent import AgentScope
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.errors import AgentConfigNotFoundError

router = protected_router(tags=["User Config"], responses=STORE_RESPONSES)

CONFIG_PATH = "/v1/agents/{agent_id}/config"

_NOT_PERSONAL = "The agent is not a personal agent (`not_personal_agent`)."
_NO_CONFIG: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "You have no configuration of this agent."}
}


@router.get(
    "/v1/agents/{agent_id}/setup-schema",
    dependencies=[requires(Scope.AGENTS_READ)],
    summary="Get agent setup schema",
    description="What each user configures for a personal agent: its AGENT.md `setup_schema`. "
    + CATALOG_CACHING,
    response_model=SetupSchemaResponse,
    responses={
        **NOT_MODIFIED,
        404: {"model": ErrorBody, "description": "Unknown agent."},
        422: {"model": ErrorBody, "description": _NOT_PERSONAL},
    },
)
async def get_setup_schema(agent_id: str, request: Request, services: Services) -> Response:
    runtime = services.runtime

    def render() -> str:
        schema = runtime.setup_schema(agent_id)  # an unknown or non-personal agent: raised
        body = SetupSchemaResponse(
            agent_id=agent_id, scope=AgentScope.PERSONAL, setup_schema=schema
        )
        return body.model_dump_json()

    catalog = catalog_of(runtime, request.app.state)
    return conditional_response(request, catalog.representation(("setup-schema", agent_id), render))


@router.post(
    CONFIG_PATH,
    dependencies=[requires(Scope.CONFIG_WRITE)],
    summary="Save user config",
    description=(
        "Save (or replace) your configuration of a personal agent: the values its setup schema "
        "describes, and optional `instructions` for its system prompt. Sensitive values are "
        "stored encrypted and never shown again; they reach the agent's tools only."
    ),
    response_model=AgentConfigResponse,
    responses={
        **BODY_RESPONSES,
        404: {"model": ErrorBody, "description": "Unknown agent."},
        422: {
            "model": ErrorBody,
            "description": "The values do not match the setup schema (each problem in "
            "`details`), or the agent is not a personal agent (`not_personal_agent`).",
        },
        503: {
            "model": ErrorBody,
            "description": "A sensitive value was sent, but no secret key is configured to "
            "encrypt it (`secret_key_missing`).",
        },
    },
)
async def save_user_config(
    agent_id: str, body: AgentConfigRequest, services: Services, principal: CurrentPrincipal
) -> AgentConfigResponse:
    view = await services.runtime.save_agent_config(
        agent_id,
        body.config_values(),
        user_id=user_id_of(principal),
        instructions=body.instructions,
    )
    return AgentConfigResponse.from_view(view)


@router.get(
    CONFIG_PATH,
    dependencies=[requires(Scope.CONFIG_WRITE)],
    summary="Get user config",
    description="Your configuration of a personal agent, with its secrets redacted.",
    response_model=AgentConfigResponse,
    responses=_NO_CONFIG,
)
async def get_user_config(
    agent_id: str, services: Services, principal: CurrentPrincipal
) -> AgentConfigResponse:
    view = await services.runtime.agent_config(agent_id, user_id=user_id_of(principal))
    if view is None:
        raise AgentConfigNotFoundError(agent_id)
    return AgentConfigResponse.from_view(view)


@router.delete(
    CONFIG_PATH,
    dependencies=[requires(Scope.CONFIG_WRITE)],
    summary="Delete user config",
    description="Delete your configuration of a personal agent; it then needs setup again.",
    response_model=ConfigDeletedResponse,
    responses=_NO_CONFIG,
)
async def delete_user_config(
    agent_id: str, services: Services, principal: CurrentPrincipal
) -> ConfigDeletedResponse:
    if not await services.runtime.delete_agent_config(agent_id, user_id=user_id_of(principal)):
        raise AgentConfigNotFoundError(agent_id)
    return ConfigDeletedResponse()
