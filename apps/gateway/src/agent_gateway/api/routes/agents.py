"""Agents: list, describe, invoke."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel, TypeAdapter

from agent_gateway.api.catalog import catalog_of
from agent_gateway.api.deps import (
    AUTH_RESPONSES,
    BODY_RESPONSES,
    STORE_RESPONSES,
    CurrentPrincipal,
    IdempotencyKey,
    Services,
    Tracking,
    protected_router,
    requires,
    user_id_of,
)
from agent_gateway.api.direct import (
    DirectRoute,
    authorized,
    json_body,
    raise_if_invalid,
    tracking_label,
)
from agent_gateway.api.direct import idempotency_key as direct_idempotency_key
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.etags import CATALOG_CACHING, NOT_MODIFIED, conditional_response
from agent_gateway.api.invocation import invoke_agent
from agent_gateway.api.schemas import (
    AcceptedResponse,
    AgentDetail,
    AgentOut,
    InvokeRequest,
    InvokeResponse,
)
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.errors import AgentNotFoundError

router = protected_router(tags=["Agents"])

_AGENT_LIST = TypeAdapter(list[AgentOut])  # an AgentDetail listed shows AgentOut's fields

INVOKE_PATH = "/v1/agents/{agent_id}/invoke"
INVOKE_SUMMARY = "Invoke an agent"
INVOKE_DESCRIPTION = (
    "Run the agent once. The execution id is in the `X-Execution-Id` header of every answer. "
    "`async: true` (or an agent with `execution_mode: async`) answers 202 at once; poll "
    "`GET /v1/executions/{id}`. A repeat with the same `Idempotency-Key` and body answers "
    "with the first request's execution (`Idempotent-Replayed: true`), sync or async. A failed execution answers with the standard error body: "
    "502 model failure or invalid output, 504 timeout, 409 cancelled, 422 guardrail. "
    "`options.model` must be a model the workspace configures or `model.allowed_overrides` "
    "lists (else 422 `model_not_allowed`)."
)
INVOKE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    **BODY_RESPONSES,
    **STORE_RESPONSES,
    202: {"model": AcceptedResponse, "description": "Accepted to run in the background."},
    403: {"model": ErrorBody, "description": "The agent is disabled, or the scope is missing."},
    404: {"model": ErrorBody, "description": "Unknown agent."},
    409: {"model": ErrorBody, "description": "Cancelled, or Idempotency-Key reused."},
    422: {
        "model": ErrorBody,
        "description": "Invalid body or input, a body over a limit, a model not allowed "
        "(`model_not_allowed`), or a guardrail stopped it.",
    },
    502: {
        "model": ErrorBody,
        "description": "The model failed (the message names the kind of failure, the provider "
        "and the model) or its answer was invalid.",
    },
    504: {"model": ErrorBody, "description": "The execution timed out."},
}


@router.get(
    "/v1/agents",
    dependencies=[requires(Scope.AGENTS_READ)],
    summary="List agents",
    description=CATALOG_CACHING,
    response_model=list[AgentOut],
    responses=NOT_MODIFIED,
)
async def list_agents(request: Request, services: Services) -> Response:
    catalog = catalog_of(services.runtime, request.app.state)
    listed = catalog.representation(
        "agents", lambda: _AGENT_LIST.dump_json(list(catalog.agents.values()))
    )
    return conditional_response(request, listed)


@router.get(
    "/v1/agents/{agent_id}",
    dependencies=[requires(Scope.AGENTS_READ)],
    summary="Describe an agent",
    description=CATALOG_CACHING,
    response_model=AgentDetail,
    responses={**NOT_MODIFIED, 404: {"model": ErrorBody}},
)
async def get_agent(agent_id: str, request: Request, services: Services) -> Response:
    catalog = catalog_of(services.runtime, request.app.state)
    agent = catalog.agents.get(agent_id)
    if agent is None:
        raise AgentNotFoundError(agent_id)
    described = catalog.representation(("agent", agent_id), agent.model_dump_json)
    return conditional_response(request, described)


async def invoke(
    agent_id: str,
    body: InvokeRequest,
    services: Services,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
    tracking: Tracking = None,
) -> Response:
    """Documents the invoke route; requests are served by :func:`serve_invoke`."""
    return await invoke_agent(
        services,
        agent_id,
        body,
        user_id=user_id_of(principal),
        idempotency_key=idempotency_key,
        tracking=tracking,
    )


async def serve_invoke(request: Request) -> Response:
    """``invoke`` without FastAPI's per-request machinery (see :mod:`agent_gateway.api.direct`)."""
    return await serve_invoke_as(request, request.path_params["agent_id"], InvokeRequest)


async def serve_invoke_as(
    request: Request, agent_id: str, body_model: type[InvokeRequest]
) -> Response:
    """Authenticate, read the body as ``body_model`` and invoke ``agent_id``."""
    services, principal = await authorized(request, Scope.AGENTS_INVOKE, agent_id=agent_id)
    errors: list[dict[str, Any]] = []
    key = direct_idempotency_key(request, errors)
    tracking = tracking_label(request, errors)
    body = await json_body(request, body_model, errors, services.http_policy.limits)
    raise_if_invalid(errors)
    assert body is not None
    return await invoke_agent(
        services,
        agent_id,
        as_generic(body),
        user_id=user_id_of(principal),
        idempotency_key=key,
        tracking=tracking,
    )


def as_generic(body: InvokeRequest) -> InvokeRequest:
    """The generic body with the same JSON: typed input (an agent's own model) dumped back as
    it was sent."""
    if type(body) is InvokeRequest:
        return body
    raw: Any = body.input
    if isinstance(raw, BaseModel):
        raw = raw.model_dump(by_alias=True, exclude_unset=True)
    return InvokeRequest.model_construct(
        message=body.message,
        input=raw or {},
        options=body.options,
        run_async=body.run_async,
    )


router.routes.append(
    DirectRoute(
        INVOKE_PATH,
        invoke,
        serve=serve_invoke,
        methods=["POST"],
        summary=INVOKE_SUMMARY,
        description=INVOKE_DESCRIPTION,
        response_model=InvokeResponse,
        responses=INVOKE_RESPONSES,
        tags=["Agents"],
        dependencies=[requires(Scope.AGENTS_INVOKE)],
    )
)
