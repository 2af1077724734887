"""JSON Schema to pydantic models, for :mod:`agent_gateway_client.codegen`.

:class:`SchemaConverter` turns one schema (an agent's input or output schema) into the
definitions of a Python module, dependencies first: models (:class:`ModelDef`) and
``Literal`` aliases (:class:`AliasDef`). The subset it types:

- ``type``: ``object`` (``properties``, ``required``, ``additionalProperties``), ``array``
  (``items``), ``string``, ``integer``, ``number``, ``boolean``, ``null``, or a list of them;
- ``enum`` and ``const`` as ``Literal``; ``anyOf`` / ``oneOf`` as unions; ``allOf`` of one;
- ``$ref`` to any place of the same schema (``#/$defs/X``, ``#/definitions/X``, ``#``);
- ``description``, ``default``, and the bounds ``minimum``, ``maximum``,
  ``exclusiveMinimum``, ``exclusiveMaximum``, ``multipleOf``, ``minLength``, ``maxLength``,
  ``pattern``, ``minItems``, ``maxItems`` as ``Field`` arguments.

Anything else is typed ``Any`` (or left unchecked) with a comment saying so. An object with
properties becomes a model, nested ones their own models; one without is a ``dict``.
"""

from __future__ import annotations

import json
import keyword
from typing import Any

from pydantic import BaseModel

from agent_gateway_client.codegen_source import (
    Imports,
    Names,
    comment,
    pascal_case,
    python_literal,
    snake_case,
)
from agent_gateway_client.codegen_types import (
    ANY,
    MISSING,
    NONE,
    AliasDef,
    Definition,
    FieldDef,
    ModelDef,
    PyType,
    accepts,
    bounds,
    is_model,
    literal_value,
    schema_description,
    shown_name,
    single_model,
)

_UNCHECKED = (
    "not",
    "if",
    "patternProperties",
    "dependentSchemas",
    "propertyNames",
    "unevaluatedProperties",
    "contains",
)
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_LONG_LITERAL = 40
"""A ``Literal[...]`` longer than this becomes a named alias."""
RESERVED_FIELDS = frozenset({"str", "int", "float", "bool", "list", "dict", *dir(BaseModel)})
"""Field names that would shadow a type the annotations use, or an attribute of BaseModel."""


class SchemaConverter:
    """Converts the schemas of one module: ``names`` are the module's names (shared by every
    schema converted, so none collides), ``imports`` collects what the types need."""

    def __init__(self, names: Names, imports: Imports) -> None:
        self._names = names
        self._imports = imports
        self.definitions: list[Definition] = []
        self._document: Any = None
        self._memo: dict[str, PyType] = {}
        self._building: set[str] = set()
        self._stack: list[ModelDef] = []

    def convert_root(self, schema: Any, name: str, summary: str) -> None:
        """Define the model ``name`` (already claimed) for a whole schema: a model when it is
        an object with properties (or a ``$ref`` to one), else a ``RootModel``."""
        self._document, self._memo, self._building = schema, {}, set()
        target, pointer = schema, "#"
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            resolved = self._resolve(schema["$ref"])
            if is_model(resolved):
                target, pointer = resolved, schema["$ref"]
        if is_model(target):
            self._memo[pointer] = PyType(name, "model")
            self._building.add(pointer)
            self._model(target, name, summary)
            return
        model = ModelDef(name, summary, schema_description(schema))
        self._stack.append(model)
        model.root = self.convert(schema, name, model.notes, name)
        self._stack.pop()
        self._imports.add("pydantic", "RootModel")
        self.definitions.append(model)

    def convert(self, schema: Any, hint: str, notes: list[str], where: str) -> PyType:
        """The type of a value matching ``schema``, nested models named from ``hint``;
        what is not typed is said in ``notes``, ``where`` naming the place."""
        if schema is True or schema == {}:
            return self._any()
        if not isinstance(schema, dict):
            notes.append(f"{where}: the schema {json.dumps(schema)} is not supported; Any")
            return self._any()
        for unchecked in _UNCHECKED:
            if unchecked in schema:
                notes.append(f"{where}: '{unchecked}' is not checked by the model")
        if isinstance(schema.get("$ref"), str):
            return self._ref(schema["$ref"], hint, notes, where)
        if "const" in schema:
            return self._literal([schema["const"]], schema, hint, notes, where)
        if isinstance(schema.get("enum"), list):
            return self._literal(schema["enum"], schema, hint, notes, where)
        for combinator in ("anyOf", "oneOf"):
            if isinstance(schema.get(combinator), list):
                members = schema[combinator]
                return self._union(
                    [
                        self.convert(member, f"{hint}Option{i}", notes, where)
                        for i, member in enumerate(members, start=1)
                    ]
                )
        if isinstance(schema.get("allOf"), list):
            parts = schema["allOf"]
            if len(parts) == 1 and isinstance(parts[0], dict):
                merged = {k: v for k, v in schema.items() if k != "allOf"} | parts[0]
                return self.convert(merged, hint, notes, where)
            notes.append(f"{where}: 'allOf' of {len(parts)} schemas is not supported; Any")
            return self._any()
        kind = schema.get("type")
        if isinstance(kind, list):
            return self._union(
                [self.convert({**schema, "type": k}, hint, notes, where) for k in kind]
            )
        if kind is None:
            if "properties" in schema or "additionalProperties" in schema:
                kind = "object"
            elif "items" in schema:
                kind = "array"
            else:
                return self._any()
        return self._typed(kind, schema, hint, notes, where)

    def _typed(
        self, kind: Any, schema: dict[str, Any], hint: str, notes: list[str], where: str
    ) -> PyType:
        if kind in _SCALARS:
            scalar = _SCALARS[kind]
            return PyType(scalar, scalar)
        if kind == "null":
            return NONE
        if kind == "array":
            items = schema.get("items", True)
            if isinstance(items, list) or "prefixItems" in schema:
                notes.append(f"{where}: tuple items are not supported; list[Any]")
                return self._list(self._any())
            item = self.convert(items, f"{hint}Item", notes, f"{where}[]")
            return self._list(self._bounded(item, items))
        if kind == "object":
            if is_model(schema):
                name = self._names.claim(hint)
                self._model(schema, name, self._nested_summary(where))
                return PyType(name, "model")
            extra = schema.get("additionalProperties", True)
            value = self.convert(extra, f"{hint}Value", notes, f"{where}{{}}") if extra else ANY
            if value.kind == "any":
                self._any()
            return PyType(f"dict[str, {value.expr}]", "dict", members=(value,))
        notes.append(f"{where}: type {json.dumps(kind)} is not supported; Any")
        return self._any()

    def _model(self, schema: dict[str, Any], name: str, summary: str) -> None:
        """Define the model ``name`` for an object schema, after the models it needs."""
        model = ModelDef(name, summary, schema_description(schema))
        self._stack.append(model)
        properties = schema.get("properties") or {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        names = Names(RESERVED_FIELDS)
        for json_name in [*properties, *(r for r in required if r not in properties)]:
            prop = properties.get(json_name, True)
            model.fields.append(
                self._field(model, names, str(json_name), prop, json_name in required)
            )
        extra = schema.get("additionalProperties")
        if extra is False:
            model.extra = "forbid"
        elif extra is not None:
            model.extra = "allow"
            if isinstance(extra, dict) and extra:
                model.notes.append(f"{name}: the values of other properties are not checked")
        self._stack.pop()
        self.definitions.append(model)

    def _field(
        self, model: ModelDef, names: Names, json_name: str, prop: Any, required: bool
    ) -> FieldDef:
        wanted = snake_case(json_name) or "field"
        if wanted[0].isdigit():
            wanted = f"field_{wanted}"
        if wanted in RESERVED_FIELDS or keyword.iskeyword(wanted):
            wanted += "_"
        notes: list[str] = []
        where = f"{model.name}.{json_name}"
        hint = model.name + (pascal_case(json_name) or "Field")
        schema = prop if isinstance(prop, dict) else {}
        kind = self.convert(prop, hint, notes, where)
        result = FieldDef(names.claim(wanted), json_name, kind, required, notes=notes)
        result.description = (
            schema.get("description") if isinstance(schema.get("description"), str) else None
        )
        result.constraints = bounds(schema, kind)
        if not required:
            self._default(result, schema.get("default", MISSING))
        return result

    def _default(self, result: FieldDef, value: Any) -> None:
        """An optional field's default: the schema's when it fits the type, else ``None``
        (the type made optional)."""
        kind = result.type
        if value is not MISSING and value is not None and accepts(kind, value):
            result.default, result.factory = value, single_model(kind)
            return
        if value is not MISSING and value is not None:
            shown = comment(json.dumps(value, ensure_ascii=False))
            result.notes.append(
                f"{result.json_name}: the default {shown} does not fit; not applied"
            )
        if not accepts(kind, None):
            result.type = self._union([kind, NONE])
        result.default = None

    def _ref(self, ref: str, hint: str, notes: list[str], where: str) -> PyType:
        if ref in self._memo:
            found = self._memo[ref]
            if ref in self._building and self._stack and self._stack[-1].name != found.expr:
                self._stack[-1].rebuild = True  # refers to a model not defined yet: a cycle
            return found
        if ref in self._building:
            notes.append(f"{where}: the recursive $ref {ref} is not supported; Any")
            return self._any()
        target = self._resolve(ref)
        if target is None:
            notes.append(f"{where}: $ref {ref} is not in this schema; Any")
            return self._any()
        root = self._stack[0].name if self._stack else hint
        name_hint = root + (pascal_case(ref.rsplit("/", 1)[-1]) or "Ref")
        self._building.add(ref)
        try:
            if is_model(target):
                name = self._names.claim(name_hint)
                self._memo[ref] = PyType(name, "model")
                shown = shown_name(ref)
                summary = f"``{shown}`` of the schema of {root}." if shown else f"Part of {root}."
                self._model(target, name, summary)
            else:
                self._memo[ref] = self.convert(target, name_hint, notes, where)
        finally:
            self._building.discard(ref)
        return self._memo[ref]

    def _resolve(self, ref: str) -> Any:
        """The part of the document a local ``$ref`` (``#``, ``#/$defs/X``) points at."""
        if not ref.startswith("#"):
            return None
        node = self._document
        for raw in ref[1:].split("/")[1:] if ref != "#" else []:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def _literal(
        self, values: list[Any], schema: dict[str, Any], hint: str, notes: list[str], where: str
    ) -> PyType:
        unique = list(dict.fromkeys(json.dumps(v, sort_keys=True) for v in values))
        decoded = [json.loads(v) for v in unique]
        if not decoded or not all(literal_value(v) for v in decoded):
            rest = {k: v for k, v in schema.items() if k not in ("enum", "const")}
            notes.append(f"{where}: only strings, integers, booleans and null make a Literal")
            return self.convert(rest, hint, notes, where) if rest.get("type") else self._any()
        present = [v for v in decoded if v is not None]
        if not present:
            return NONE
        self._imports.add("typing", "Literal")
        sources = [python_literal(v) for v in present]
        expr = f"Literal[{', '.join(sources)}]"
        if len(expr) > _LONG_LITERAL:
            name = self._names.claim(hint)
            self.definitions.append(AliasDef(name, sources))
            expr = name
        literal = PyType(expr, "literal", values=tuple(present))
        return self._union([literal, NONE]) if len(present) < len(decoded) else literal

    def _union(self, members: list[PyType]) -> PyType:
        flat: dict[str, PyType] = {}
        for member in members:
            for part in member.members if member.kind == "union" else (member,):
                flat.setdefault(part.expr, part)
        if "Any" in flat:
            return self._any()
        parts = sorted(flat.values(), key=lambda p: p.kind == "none")  # None last
        if len(parts) == 1:
            return parts[0]
        return PyType(" | ".join(p.expr for p in parts), "union", members=tuple(parts))

    def _list(self, item: PyType) -> PyType:
        return PyType(f"list[{item.expr}]", "list", members=(item,))

    def _bounded(self, kind: PyType, schema: Any) -> PyType:
        """``kind`` with the bounds of ``schema`` as ``Annotated[kind, Field(...)]``."""
        found = bounds(schema if isinstance(schema, dict) else {}, kind)
        if not found:
            return kind
        self._imports.add("typing", "Annotated")
        self._imports.add("pydantic", "Field")
        arguments = ", ".join(f"{key}={value}" for key, value in found)
        return PyType(
            f"Annotated[{kind.expr}, Field({arguments})]", kind.kind, kind.values, kind.members
        )

    def _any(self) -> PyType:
        self._imports.add("typing", "Any")
        return ANY

    def _nested_summary(self, where: str) -> str:
        parent, _, prop = where.partition(".")
        safe = shown_name(prop)
        return f"The ``{safe}`` of {parent}." if safe else f"A property of {parent}."
