"""Check that a value declared as a JSON Schema is one, under the draft it declares."""

from __future__ import annotations

from typing import Any


def json_schema_error(schema: dict[str, Any]) -> str | None:
    """Why ``schema`` is not a valid JSON Schema, or ``None`` when it is.

    The draft is taken from ``$schema``; without one, Draft 2020-12 applies.
    """
    # Deferred: jsonschema's import graph costs ~0.2 s and most processes never need it.
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import Draft202012Validator, validator_for

    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as exc:
        inner = ".".join(str(part) for part in exc.absolute_path)
        where = f" (at {inner})" if inner else ""
        return f"is not a valid JSON Schema{where}: {exc.message}"
    return None
