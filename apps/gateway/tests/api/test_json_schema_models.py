"""JSON Schema -> pydantic models for the typed docs."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from agent_gateway.api.json_schema_models import SchemaModelBuilder, camel_name

pytestmark = pytest.mark.unit

ORDER = {
    "type": "object",
    "title": "Order",
    "description": "An order.",
    "properties": {
        "id": {"type": "string", "minLength": 3},
        "quantity": {"type": "integer"},
        "price": {"type": "number"},
        "express": {"type": "boolean", "default": False},
        "status": {"enum": ["new", "paid"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "note": {"type": ["string", "null"]},
        "address": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
        "attributes": {"type": "object", "additionalProperties": {"type": "integer"}},
        "class": {"const": "retail"},
    },
    "required": ["id", "quantity"],
}


def build(schema: dict[str, Any]) -> type[BaseModel]:
    model = SchemaModelBuilder().object_model(schema, "Order", "test schema")
    assert model is not None
    return model


def test_a_valid_value_dumps_back_to_the_json_it_came_from() -> None:
    value = {
        "id": "A-1",
        "quantity": 2,
        "price": 3,
        "status": "paid",
        "tags": ["x"],
        "note": None,
        "address": {"city": "Paris"},
        "attributes": {"weight": 4},
        "class": "retail",
        "extra": {"kept": True},
    }

    parsed = build(ORDER).model_validate(value)

    assert parsed.model_dump(by_alias=True, exclude_unset=True) == value


@pytest.mark.parametrize(
    ("value", "location"),
    [
        ({"quantity": 1}, ("id",)),
        ({"id": "A", "quantity": "1"}, ("quantity",)),
        ({"id": "A", "quantity": 1.5}, ("quantity",)),
        ({"id": "A", "quantity": 1, "status": "lost"}, ("status",)),
        ({"id": "A", "quantity": 1, "tags": [1]}, ("tags", 0)),
        ({"id": "A", "quantity": 1, "address": {}}, ("address", "city")),
        ({"id": "A", "quantity": 1, "address": {"city": "P", "x": 1}}, ("address", "x")),
        ({"id": "A", "quantity": 1, "attributes": {"w": "heavy"}}, ("attributes", "w")),
        ({"id": "A", "quantity": 1, "express": None}, ("express",)),
        ({"id": "A", "quantity": 1, "class": "wholesale"}, ("class",)),
    ],
)
def test_invalid_values_fail_at_their_field(
    value: dict[str, Any], location: tuple[Any, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        build(ORDER).model_validate(value)

    assert [e["loc"] for e in caught.value.errors()] == [location]


def test_the_generated_json_schema_keeps_the_docs() -> None:
    schema = build(ORDER).model_json_schema()

    assert schema["title"] == "Order"
    assert schema["description"] == "An order."
    assert schema["required"] == ["id", "quantity"]
    properties = schema["properties"]
    assert properties["id"]["minLength"] == 3
    assert properties["price"]["type"] == "number"
    assert properties["express"]["default"] is False
    assert "default" not in properties["quantity"]
    assert "default" not in properties["tags"]
    assert properties["status"]["enum"] == ["new", "paid"]


def test_unsupported_keywords_become_any_value_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = {
        "type": "object",
        "properties": {"choice": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
    }

    model = build(schema)

    assert model.model_validate({"choice": [1, "x"]}).model_dump(by_alias=True) == {
        "choice": [1, "x"]
    }
    assert "test schema: choice uses 'anyOf'" in caplog.text


def test_a_root_that_is_not_an_object_with_properties_gives_no_model(
    caplog: pytest.LogCaptureFixture,
) -> None:
    builder = SchemaModelBuilder()

    assert builder.object_model({"type": "array"}, "X", "input schema of 'x'") is None
    assert "input schema of 'x': (root) is not an object schema" in caplog.text


def test_model_names_stay_unique() -> None:
    builder = SchemaModelBuilder()
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}

    first = builder.object_model(schema, "Same", "one")
    second = builder.object_model(schema, "Same", "two")

    assert first is not None
    assert second is not None
    assert (first.__name__, second.__name__) == ("Same", "Same2")


@pytest.mark.parametrize(
    ("agent_id", "name"), [("triage", "Triage"), ("support-bot", "SupportBot"), ("--", "Agent")]
)
def test_camel_names(agent_id: str, name: str) -> None:
    assert camel_name(agent_id) == name
