"""Typed invoke routes: ``POST /v1/agents/<id>/invoke`` per agent with an input or output schema.

Each is registered just before the generic ``/v1/agents/{agent_id}/invoke`` route, so it is
the one that matches its agent, and OpenAPI shows the agent's own request and response
types. It behaves exactly like the generic route: its body is turned back into the generic
body and handed to the same code. Routes are rebuilt at startup and on every reload and
swapped in with one assignment.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.routing import iter_route_contexts
from pydantic import Field, create_model
from starlette.routing import BaseRoute

from agent_gateway.api.catalog import catalog_of
from agent_gateway.api.deps import (
    CurrentPrincipal,
    IdempotencyKey,
    Services,
    Tracking,
    requires,
    user_id_of,
)
from agent_gateway.api.direct import DirectRoute
from agent_gateway.api.invocation import invoke_agent
from agent_gateway.api.json_schema_models import SchemaModelBuilder, camel_name
from agent_gateway.api.routes.agents import (
    INVOKE_DESCRIPTION,
    INVOKE_PATH,
    INVOKE_RESPONSES,
    INVOKE_SUMMARY,
    as_generic,
    serve_invoke_as,
)
from agent_gateway.api.schemas import AgentDetail, InvokeRequest, InvokeResponse
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.runtime import Runtime

logger = logging.getLogger("agent_gateway.api")


class TypedInvokeRoute(DirectRoute):
    """The invoke route of one agent, typed by its schemas."""


def install_typed_invoke_routes(app: FastAPI, runtime: Runtime) -> None:
    """Replace the typed invoke routes with those of ``runtime``'s current workspace."""
    routes = typed_invoke_routes(catalog_of(runtime, app.state).agents.values())
    kept = [route for route in app.router.routes if not isinstance(route, TypedInvokeRoute)]
    at = _index_of_generic_route(kept)
    # Top-level routes are matched in list order on every request, so one assignment swaps
    # the whole set: a request sees either the old routes or the new ones.
    app.router.routes[:] = [*kept[:at], *routes, *kept[at:]]
    app.openapi_schema = None  # regenerated on the next /openapi.json


def _index_of_generic_route(routes: list[BaseRoute]) -> int:
    """The top-level entry (a route, or an included router) holding the generic route."""
    for index, route in enumerate(routes):
        if any(context.path == INVOKE_PATH for context in iter_route_contexts([route])):
            return index
    return len(routes)


def typed_invoke_routes(agents: Iterable[AgentDetail]) -> list[TypedInvokeRoute]:
    """One route per enabled agent that has a schema; an agent whose schemas cannot be
    turned into models is left to the generic route (with a warning)."""
    builder = SchemaModelBuilder()
    routes: list[TypedInvokeRoute] = []
    for agent in agents:
        if not agent.enabled or (agent.input_schema is None and agent.output_schema is None):
            continue
        try:
            routes.append(_route(agent, builder))
        except Exception:
            logger.warning("no typed invoke route for agent %r", agent.id, exc_info=True)
    return routes


def _route(agent: AgentDetail, builder: SchemaModelBuilder) -> TypedInvokeRoute:
    prefix = camel_name(agent.id)
    body_fields: dict[str, Any] = {}
    if agent.input_schema is not None:
        what = f"input schema of agent {agent.id!r}"
        model = builder.object_model(agent.input_schema, f"{prefix}Input", what)
        if model is not None:
            required = bool(agent.input_schema.get("required"))
            body_fields["input"] = (model, Field(...) if required else Field(default=None))
    output: Any = Any
    if agent.output_schema is not None:
        what = f"output schema of agent {agent.id!r}"
        output = builder.annotation(agent.output_schema, f"{prefix}Output", what)
    body_model = create_model(f"{prefix}InvokeRequest", __base__=InvokeRequest, **body_fields)
    response_model = create_model(
        f"{prefix}InvokeResponse", __base__=InvokeResponse, output=(output | None, None)
    )
    agent_id = agent.id

    async def serve(request: Request) -> Response:
        return await serve_invoke_as(request, agent_id, body_model)

    return TypedInvokeRoute(
        INVOKE_PATH.replace("{agent_id}", agent.id),
        _endpoint(agent.id, body_model),
        serve=serve,
        methods=["POST"],
        summary=f"{INVOKE_SUMMARY}: {agent.display_name}",
        description=f"{agent.description}\n\n{INVOKE_DESCRIPTION}".strip(),
        response_model=response_model,
        responses=INVOKE_RESPONSES,
        tags=["Agents"],
        dependencies=[requires(Scope.AGENTS_INVOKE)],
        name=f"invoke_{agent.id}",
    )


def _endpoint(agent_id: str, body_model: type[InvokeRequest]) -> Any:
    """Documents the route (requests are served by ``serve_invoke_as``)."""

    async def invoke_typed(
        body: InvokeRequest,
        services: Services,
        principal: CurrentPrincipal,
        idempotency_key: IdempotencyKey = None,
        tracking: Tracking = None,
    ) -> Response:
        return await invoke_agent(
            services,
            agent_id,
            as_generic(body),
            user_id=user_id_of(principal),
            idempotency_key=idempotency_key,
            tracking=tracking,
        )

    # FastAPI reads the body type from the signature: this agent's model, not the generic one.
    signature = inspect.signature(invoke_typed)
    parameters = [
        p.replace(annotation=body_model) if p.name == "body" else p
        for p in signature.parameters.values()
    ]
    invoke_typed.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return invoke_typed
