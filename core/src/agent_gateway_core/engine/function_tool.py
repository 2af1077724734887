"""Turn a Python function into a ToolDefinition, inferring its JSON Schema parameters.

Four ways to describe parameters, tried in this order:

1. an explicit ``parameters`` dict of JSON Schema properties (or a whole object schema);
2. a single pydantic ``BaseModel`` parameter: its ``model_json_schema()``; the handler then
   receives a validated model instance;
3. ``Annotated[type, "description"]`` per parameter;
4. bare type hints, with the parameter name as its description.

A parameter named ``context`` (or annotated ``ToolContext``) receives the ToolContext and is
not shown to the model.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter

from agent_gateway_core.domain.tool import (
    ToolContext,
    ToolDefinition,
    ToolHandler,
    ToolSource,
    ToolSpec,
)
from agent_gateway_core.errors import ConfigError

CONTEXT_PARAMETER = "context"


def kebab_case(name: str) -> str:
    """``search_docs`` -> ``search-docs``."""
    return name.strip("_").replace("_", "-").lower()


def build_function_tool(
    fn: Callable[..., Any],
    *,
    name: str | None = None,
    description: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    allowed_agents: Iterable[str] | None = None,
    require_approval: bool = False,
    timeout_seconds: float | None = None,
    idempotent: bool = False,
) -> ToolDefinition:
    """A CODE ToolDefinition for ``fn`` with its name, description and parameter schema."""
    if not callable(fn):
        raise ConfigError(f"a tool must be a function, got {type(fn).__name__}")
    fn_name = getattr(fn, "__name__", "")
    tool_name = name or (kebab_case(fn_name) if fn_name.isidentifier() else "")
    if not tool_name:
        raise ConfigError(f"cannot infer a tool name for {fn!r}; pass name=")
    signature = inspect.signature(fn)
    hints = _type_hints(fn, tool_name)
    exposed = [
        p
        for p in signature.parameters.values()
        if not _is_context(p, hints) and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    handler: ToolHandler = fn
    if parameters is not None:
        schema = _explicit_schema(parameters, exposed)
    elif (model := _single_model(exposed, hints)) is not None:
        schema = model.model_json_schema()
        handler = _model_handler(fn, model, exposed[0].name, _takes_context(signature, hints))
    else:
        schema = _inferred_schema(exposed, hints, tool_name)
    return ToolDefinition(
        spec=ToolSpec(
            name=tool_name,
            description=description or inspect.getdoc(fn) or "",
            parameters=schema,
        ),
        handler=handler,
        source=ToolSource.CODE,
        allowed_agents=frozenset(allowed_agents) if allowed_agents is not None else None,
        require_approval=require_approval,
        timeout_seconds=timeout_seconds,
        idempotent=idempotent,
    )


def takes_context(fn: Callable[..., Any]) -> bool:
    """Whether a handler wants the ToolContext passed as ``context=``."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return CONTEXT_PARAMETER in signature.parameters


def _type_hints(fn: Callable[..., Any], tool_name: str) -> dict[str, Any]:
    try:
        return typing.get_type_hints(fn, include_extras=True)
    except Exception as exc:  # unresolvable forward references and the like
        raise ConfigError(f"tool {tool_name!r}: cannot read its type hints: {exc}") from exc


def _is_context(param: inspect.Parameter, hints: Mapping[str, Any]) -> bool:
    return param.name == CONTEXT_PARAMETER or hints.get(param.name) is ToolContext


def _takes_context(signature: inspect.Signature, hints: Mapping[str, Any]) -> bool:
    return any(_is_context(p, hints) for p in signature.parameters.values())


def _explicit_schema(
    properties: Mapping[str, Any], exposed: list[inspect.Parameter]
) -> dict[str, Any]:
    if properties.get("type") == "object" and isinstance(properties.get("properties"), dict):
        return dict(properties)
    defaults = {p.name: p.default for p in exposed}
    props: dict[str, Any] = {}
    required: list[str] = []
    for prop_name, prop in properties.items():
        spec = dict(prop)
        # TOOL.md style "required: true" is not JSON Schema inside a property; lift it out.
        flagged = spec.pop("required", None)
        has_no_default = defaults.get(prop_name) is inspect.Parameter.empty
        if flagged is True or (flagged is None and has_no_default):
            required.append(prop_name)
        props[prop_name] = spec
    return {"type": "object", "properties": props, "required": required}


def _single_model(
    exposed: list[inspect.Parameter], hints: Mapping[str, Any]
) -> type[BaseModel] | None:
    if len(exposed) != 1:
        return None
    hint = hints.get(exposed[0].name)
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return hint
    return None


def _model_handler(
    fn: Callable[..., Any], model: type[BaseModel], param: str, with_context: bool
) -> ToolHandler:
    """A handler taking the model's fields as keywords and calling ``fn`` with the instance."""
    if inspect.iscoroutinefunction(fn):

        async def call_async(context: ToolContext | None = None, **arguments: Any) -> Any:
            extra = {CONTEXT_PARAMETER: context} if with_context else {}
            return await fn(**{param: model.model_validate(arguments)}, **extra)

        return call_async

    def call_sync(context: ToolContext | None = None, **arguments: Any) -> Any:
        extra = {CONTEXT_PARAMETER: context} if with_context else {}
        return fn(**{param: model.model_validate(arguments)}, **extra)

    return call_sync


def _inferred_schema(
    exposed: list[inspect.Parameter], hints: Mapping[str, Any], tool_name: str
) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    for param in exposed:
        hint = hints.get(param.name, inspect.Parameter.empty)
        description = param.name
        if typing.get_origin(hint) is Annotated:
            base, *metadata = typing.get_args(hint)
            description = next((m for m in metadata if isinstance(m, str)), description)
            hint = base
        prop = _type_schema(hint, tool_name, param.name)
        prop["description"] = description
        if param.default is inspect.Parameter.empty:
            required.append(param.name)
        else:
            prop["default"] = param.default
        props[param.name] = prop
    return {"type": "object", "properties": props, "required": required}


def _type_schema(hint: Any, tool_name: str, param: str) -> dict[str, Any]:
    if hint is inspect.Parameter.empty or hint is Any:
        return {}
    try:
        schema = TypeAdapter(hint).json_schema()
    except Exception as exc:
        raise ConfigError(
            f"tool {tool_name!r}: parameter {param!r} has a type with no JSON Schema: {hint!r}"
        ) from exc
    schema.pop("title", None)
    return schema
