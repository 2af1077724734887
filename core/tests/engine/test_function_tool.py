"""Inferring a tool's name, description and parameter schema from a Python function."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, Field

from agent_gateway_core.domain.tool import ToolContext, ToolSource
from agent_gateway_core.engine.function_tool import build_function_tool, kebab_case
from agent_gateway_core.errors import ConfigError

pytestmark = pytest.mark.unit


def test_name_is_kebab_case_and_description_the_docstring() -> None:
    def search_docs(query: str) -> str:
        """Search the documentation."""
        return query

    tool = build_function_tool(search_docs)

    assert tool.name == "search-docs"
    assert tool.spec.description == "Search the documentation."
    assert tool.source is ToolSource.CODE
    assert kebab_case("_private_helper_") == "private-helper"


def test_explicit_name_and_description_win() -> None:
    def search_docs(query: str) -> str:
        """Ignored."""
        return query

    tool = build_function_tool(
        search_docs,
        name="kb-search",
        description="Search the knowledge base.",
        allowed_agents=["support-bot"],
        require_approval=True,
        idempotent=True,
    )

    assert tool.name == "kb-search"
    assert tool.spec.description == "Search the knowledge base."
    assert tool.allowed_agents == frozenset({"support-bot"})
    assert tool.require_approval is True
    assert tool.idempotent is True
    assert tool.allows("support-bot")
    assert not tool.allows("other")


def test_bare_type_hints_use_the_parameter_name_as_description() -> None:
    def convert(amount: float, currency: str = "EUR", rounding: int | None = None) -> str:
        return ""

    schema = build_function_tool(convert).spec.parameters

    assert schema["type"] == "object"
    assert schema["required"] == ["amount"]
    assert schema["properties"]["amount"] == {"type": "number", "description": "amount"}
    assert schema["properties"]["currency"] == {
        "type": "string",
        "description": "currency",
        "default": "EUR",
    }
    assert schema["properties"]["rounding"]["anyOf"] == [{"type": "integer"}, {"type": "null"}]


def test_annotated_descriptions_are_used() -> None:
    def book(
        city: Annotated[str, "City to book a room in"],
        nights: Annotated[int, "How many nights"] = 1,
        kind: Literal["single", "double"] = "single",
    ) -> str:
        return city

    props = build_function_tool(book).spec.parameters["properties"]

    assert props["city"] == {"type": "string", "description": "City to book a room in"}
    assert props["nights"]["description"] == "How many nights"
    assert props["kind"]["enum"] == ["single", "double"]


def test_explicit_parameters_are_json_schema_properties() -> None:
    def handler(query: str, limit: int = 5) -> str:
        return query

    tool = build_function_tool(
        handler,
        parameters={
            "query": {"type": "string", "description": "What to look for"},
            "limit": {"type": "integer"},
        },
    )

    assert tool.spec.parameters == {
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "What to look for"},
            "limit": {"type": "integer"},
        },
        "required": ["query"],
    }


def test_explicit_parameters_may_flag_required_like_tool_md() -> None:
    def handler(**kwargs: object) -> str:
        return ""

    tool = build_function_tool(
        handler, parameters={"q": {"type": "string", "required": True}, "n": {"type": "integer"}}
    )

    assert tool.spec.parameters["required"] == ["q"]
    assert tool.spec.parameters["properties"]["q"] == {"type": "string"}


def test_explicit_whole_object_schema_is_used_as_is() -> None:
    schema = {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}

    tool = build_function_tool(lambda x: x, name="identity", parameters=schema)

    assert tool.spec.parameters == schema


class Address(BaseModel):
    street: str = Field(description="Street and number")
    city: str


async def test_single_pydantic_parameter_gets_a_model_instance() -> None:
    received: list[Address] = []

    async def save_address(address: Address, context: ToolContext) -> str:
        received.append(address)
        return context.agent_id

    tool = build_function_tool(save_address)
    context = ToolContext(execution_id="e", agent_id="crm")

    assert tool.spec.parameters == Address.model_json_schema()
    output = await tool.handler(context=context, street="1 Main St", city="Oslo")
    assert received == [Address(street="1 Main St", city="Oslo")]
    assert output == "crm"


def test_sync_pydantic_parameter_handler() -> None:
    def geocode(address: Address) -> str:
        return address.city.upper()

    tool = build_function_tool(geocode)

    assert tool.handler(street="x", city="oslo") == "OSLO"


def test_context_parameter_is_not_shown_to_the_model() -> None:
    def whoami(greeting: str, context: ToolContext) -> str:
        return greeting

    schema = build_function_tool(whoami).spec.parameters

    assert list(schema["properties"]) == ["greeting"]
    assert schema["required"] == ["greeting"]


class Opaque:
    """A type pydantic cannot describe in JSON Schema."""


def test_a_type_with_no_json_schema_is_a_config_error() -> None:
    def use(thing: Opaque) -> str:
        return ""

    with pytest.raises(ConfigError, match="tool 'use': parameter 'thing' has a type with no JSON"):
        build_function_tool(use)


def test_unresolvable_hints_are_a_config_error() -> None:
    def broken(x: NoSuchType) -> str:  # type: ignore[name-defined]  # noqa: F821
        return ""

    with pytest.raises(ConfigError, match="tool 'broken': cannot read its type hints"):
        build_function_tool(broken)


def test_non_callable_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="a tool must be a function, got int"):
        build_function_tool(42)  # type: ignore[arg-type]


def test_a_lambda_needs_an_explicit_name() -> None:
    with pytest.raises(ConfigError, match=r"cannot infer a tool name for .*lambda.*; pass name="):
        build_function_tool(lambda: 1)

    assert build_function_tool(lambda: 1, name="one").name == "one"


def test_the_tool_context_answers_to_the_existing_products_name_for_the_caller() -> None:
    context = ToolContext(execution_id="e-1", agent_id="support", user_id="apikey:svc")
    assert context.caller_identity == "apikey:svc"
    assert ToolContext(execution_id="e-2", agent_id="support").caller_identity is None
