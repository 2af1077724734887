"""JSON Schema to pydantic models, so OpenAPI can show an agent's typed input and output.

Understood: ``type`` (one type, or one type plus ``"null"``), ``properties``, ``required``,
``enum``, ``const``, ``items``, ``additionalProperties``, nested objects; ``description``,
``title``, ``default`` and value constraints (``minLength``, ``maximum``, ...) are carried
into the generated schema for the docs. Anything else (``$ref``, ``anyOf``, ``oneOf``, ...)
becomes "any value" with a warning: the models document, while the agent's own schema,
checked by the engine, stays the authority.

The models are strict and never coerce (``"5"`` is not an integer, ``5`` stays ``5``), so a
value they accept dumps back (``by_alias=True, exclude_unset=True``) to the JSON it came from.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    WithJsonSchema,
    create_model,
)

logger = logging.getLogger("agent_gateway.api")

# int or float, kept as sent (a float annotation would turn 3 into 3.0); documented as number.
_Number = Annotated[StrictInt | StrictFloat, WithJsonSchema({"type": "number"})]

_SCALARS: dict[str, Any] = {"string": str, "integer": int, "number": _Number, "boolean": bool}
_DOC_KEYWORDS = (
    "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems", "minProperties",
    "maxProperties", "examples",
)  # fmt: skip
_UNSUPPORTED = (
    "$ref", "anyOf", "oneOf", "allOf", "not", "if", "then", "else", "patternProperties",
    "dependentSchemas", "dependentRequired", "prefixItems", "unevaluatedProperties",
)  # fmt: skip


class SchemaModelBuilder:
    """Builds models named ``<prefix><Part>``; names stay unique across one builder."""

    def __init__(self) -> None:
        self._names: set[str] = set()

    def object_model(
        self, schema: Mapping[str, Any], name: str, what: str
    ) -> type[BaseModel] | None:
        """A model for an object schema with ``properties``; ``None`` (with a warning) when
        the schema is something else, so the caller documents it as a plain object."""
        keyword = _unsupported(schema)
        if keyword or not _is_object_schema(schema):
            problem = f"uses {keyword!r}" if keyword else "is not an object schema with properties"
            _warn(what, "", problem)
            return None
        return self._model(schema, name, what, "")

    def annotation(self, schema: Any, name: str, what: str, path: str = "") -> Any:
        """The Python type for ``schema`` (``Any`` for what it does not understand)."""
        if not isinstance(schema, Mapping):
            if schema is not True:
                _warn(what, path, "is not a JSON Schema object")
            return Any
        keyword = _unsupported(schema)
        if keyword:
            _warn(what, path, f"uses {keyword!r}")
            return Any
        if "const" in schema:
            return _literal([schema["const"]], what, path)
        if "enum" in schema:
            return _literal(schema["enum"], what, path)
        declared = schema.get("type")
        types = [declared] if isinstance(declared, str) else list(declared or [])
        nullable = "null" in types
        types = [t for t in types if t != "null"]
        if not types:
            if _is_object_schema(schema):
                types = ["object"]
            elif nullable:
                return None
            else:
                return Any
        if len(types) > 1:
            _warn(what, path, f"allows several types {types}")
            return Any
        base = self._single_type(types[0], schema, name, what, path)
        return base | None if nullable and base is not Any else base

    # ---------------------------------------------------------------- internals

    def _single_type(
        self, kind: Any, schema: Mapping[str, Any], name: str, what: str, path: str
    ) -> Any:
        if kind in _SCALARS:
            return _SCALARS[kind]
        if kind == "array":
            items = schema.get("items", True)
            return list[self.annotation(items, f"{name}Item", what, f"{path}[]")]  # type: ignore[misc]
        if kind == "object":
            if _is_object_schema(schema):
                return self._model(schema, name, what, path)
            values = schema.get("additionalProperties", True)
            if isinstance(values, Mapping):
                return dict[str, self.annotation(values, f"{name}Value", what, f"{path}.*")]  # type: ignore[misc]
            return dict[str, Any]
        _warn(what, path, f"has unknown type {kind!r}")
        return Any

    def _model(self, schema: Mapping[str, Any], name: str, what: str, path: str) -> type[BaseModel]:
        properties: Mapping[str, Any] = schema["properties"]
        required = set(schema.get("required") or ())
        fields: dict[str, Any] = {}
        for index, (prop, sub) in enumerate(properties.items()):
            annotation = self.annotation(
                sub, f"{name}{_camel(prop)}", what, f"{path}.{prop}".lstrip(".")
            )
            fields[f"field_{index}"] = (annotation, _field(prop, sub, prop in required))
        config = ConfigDict(
            strict=True,
            extra="forbid" if schema.get("additionalProperties") is False else "allow",
            title=str(schema.get("title") or name),
        )
        model: type[BaseModel] = create_model(self._unique(name), __config__=config, **fields)
        if isinstance(schema.get("description"), str):
            model.__doc__ = schema["description"]
        return model

    def _unique(self, name: str) -> str:
        candidate, counter = name, 2
        while candidate in self._names:
            candidate, counter = f"{name}{counter}", counter + 1
        self._names.add(candidate)
        return candidate


def camel_name(text: str) -> str:
    """``support-bot`` -> ``SupportBot``: a readable prefix for model names."""
    return _camel(text) or "Agent"


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", text))


def _field(prop: str, schema: Any, required: bool) -> Any:
    docs = dict(schema) if isinstance(schema, Mapping) else {}
    extra = {k: docs[k] for k in _DOC_KEYWORDS if k in docs}
    description = docs.get("description") if isinstance(docs.get("description"), str) else None
    title = docs.get("title") if isinstance(docs.get("title"), str) else None
    if required:
        return Field(alias=prop, description=description, title=title, json_schema_extra=extra)
    if "default" in docs:
        return Field(
            default=docs["default"],
            alias=prop,
            description=description,
            title=title,
            json_schema_extra=extra,
        )

    def without_default(field_schema: dict[str, Any]) -> None:
        # Optional but without a default: absent means absent, not null.
        field_schema.pop("default", None)
        field_schema.update(extra)

    return Field(
        default=None,
        alias=prop,
        description=description,
        title=title,
        json_schema_extra=without_default,
    )


def _literal(values: Any, what: str, path: str) -> Any:
    if not isinstance(values, list) or not values:
        _warn(what, path, "has an empty or invalid enum")
        return Any
    if not all(v is None or isinstance(v, str | int | float | bool) for v in values):
        _warn(what, path, "has an enum of non-scalar values")
        return Any
    return Literal[tuple(values)]


def _is_object_schema(schema: Mapping[str, Any]) -> bool:
    declared = schema.get("type", "object")
    object_type = declared == "object" or (isinstance(declared, list) and "object" in declared)
    return object_type and isinstance(schema.get("properties"), Mapping)


def _unsupported(schema: Mapping[str, Any]) -> str | None:
    return next((k for k in _UNSUPPORTED if k in schema), None)


def _warn(what: str, path: str, problem: str) -> None:
    logger.warning(
        "%s: %s %s; the typed API docs show it as any value (the schema itself still applies)",
        what,
        path or "(root)",
        problem,
    )
