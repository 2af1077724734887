"""Input and output schemas compiled once: a JSON Schema dict or a pydantic model class."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from agent_gateway_core.errors import ConfigError

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

SchemaSource = dict[str, Any] | type[BaseModel]


class CompiledSchema:
    """Validates values against one schema; building it is the expensive part, so keep it.

    A dict is a JSON Schema checked with jsonschema, and ``validate`` returns the value as
    is; a pydantic class is checked with ``model_validate`` and ``validate`` returns the
    instance. ``json_schema`` (and its text, ``json_text``) is what a model is shown.
    """

    __slots__ = ("_validator", "json_schema", "json_text", "model", "name")

    def __init__(self, source: SchemaSource, *, label: str = "output schema") -> None:
        self.name = "output"  # the name a provider's structured-output mode is given
        self.model: type[BaseModel] | None = None
        self._validator: Validator | None = None
        if isinstance(source, dict):
            self.json_schema: dict[str, Any] = source
            self._validator = json_schema_validator(source, what=label)
        elif isinstance(source, type) and issubclass(source, BaseModel):
            self.model = source
            self.json_schema = source.model_json_schema()
            self.name = source.__name__
        else:
            raise ConfigError(
                f"{label} must be a JSON Schema dict or a pydantic BaseModel class, "
                f"got {type(source).__name__}"
            )
        self.json_text = json.dumps(self.json_schema, indent=2, sort_keys=True)

    def validate(self, value: Any) -> tuple[Any, list[str]]:
        """Return ``(validated value, [])`` or ``(None, one line per problem)``."""
        if self.model is not None:
            try:
                return self.model.model_validate(value), []
            except ValidationError as exc:
                return None, [
                    f"{_dotted(err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
                ]
        assert self._validator is not None
        errors = sorted(self._validator.iter_errors(value), key=lambda e: list(map(str, e.path)))
        if not errors:
            return value, []
        return None, [f"{_dotted(err.absolute_path)}: {err.message}" for err in errors]


def first_schema(*sources: SchemaSource | None) -> SchemaSource | None:
    """The first schema given, in precedence order (highest first)."""
    return next((source for source in sources if source is not None), None)


def json_schema_validator(schema: dict[str, Any], *, what: str) -> Validator:
    """A jsonschema validator for ``schema`` (its declared draft, else 2020-12).

    An invalid schema raises ConfigError naming ``what``. jsonschema is imported here, not at
    module import, because it is slow to import and many processes never validate anything.
    """
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for

    cls = validator_for(schema, default=Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise ConfigError(f"{what} is not a valid JSON Schema: {exc.message}") from exc
    return cls(schema)


def _dotted(path: Iterable[Any]) -> str:
    parts = [str(p) for p in path]
    return ".".join(parts) if parts else "(root)"
