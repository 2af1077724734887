"""``generate_agent_types``: the module written from agents' schemas, imported and checked.

Every module is written to a temporary file and imported, as a user's would be; one module
holding every case is also checked with ruff (lint and format) and mypy --strict.
"""

from __future__ import annotations

import importlib.util
import inspect
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic
import pytest

from agent_gateway_client import Agent, AgentDetail, GatewayError
from agent_gateway_client.codegen import generate_agent_types
from agent_gateway_client.codegen_runtime import (
    AgentOutputError,
    AgentRun,
    input_json,
    parse_output,
)

pytestmark = pytest.mark.unit

TRIAGE = AgentDetail(
    id="triage",
    description="Classifies a support request.",
    input_schema={
        "type": "object",
        "properties": {
            "tier": {"type": "string", "enum": ["free", "pro"], "description": "Customer tier"},
            "seats": {"type": "integer", "minimum": 1},
        },
        "required": ["tier"],
    },
    output_schema={
        "type": "object",
        "properties": {
            "category": {"type": "string", "enum": ["billing", "bug"]},
            "urgent": {"type": "boolean"},
        },
        "required": ["category", "urgent"],
    },
)
ASSISTANT = AgentDetail(id="assistant", description="A helpful assistant.")

ADDRESS = {
    "type": "object",
    "description": "A postal address.",
    "properties": {
        "city": {"type": "string"},
        "zip": {"type": ["string", "null"], "pattern": "^[0-9]{5}$"},
    },
    "required": ["city"],
}
ORDER = AgentDetail(
    id="order-desk",
    output_schema={
        "type": "object",
        "additionalProperties": False,
        "$defs": {
            "Address": ADDRESS,
            "Node": {
                "type": "object",
                "properties": {
                    "value": {"type": "integer"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                },
            },
            "Color": {"enum": ["red", "green", "blue", "cyan", "magenta", "yellow", "black"]},
            "Person": {"type": "object", "properties": {"employer": {"$ref": "#/$defs/Company"}}},
            "Company": {"type": "object", "properties": {"ceo": {"$ref": "#/$defs/Person"}}},
        },
        "properties": {
            "firstName": {
                "type": "string",
                "description": 'Say "hi" \\ to \u00fcn\u00efcode \u2019quotes\u2019',
            },
            "class": {"type": "string"},
            "json": {"type": "integer", "default": "not a number"},
            "model_name": {"type": "string"},
            "2fa": {"type": "boolean", "default": False},
            "shipping": {"$ref": "#/$defs/Address"},
            "billing": {"$ref": "#/$defs/Address", "default": {"city": "Paris"}},
            "color": {"$ref": "#/$defs/Color"},
            "tree": {"$ref": "#/$defs/Node"},
            "lines": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "sku": {"type": "string", "minLength": 2},
                        "quantity": {"type": "integer", "exclusiveMinimum": 0},
                        "gift": {"type": "object", "properties": {"note": {"type": "string"}}},
                    },
                    "required": ["sku", "quantity"],
                },
            },
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}, "default": []},
            "steps": {
                "type": "array",
                "items": {"type": "string"},
                "default": [
                    "receive the order",
                    "check the stock",
                    "pack it",
                    "ship it",
                    "invoice",
                ],
            },
            "limits": {
                "type": "object",
                "additionalProperties": {"type": "integer"},
                "default": {
                    "per order": 10,
                    "per customer a day": 100,
                    "per warehouse and day": 10000,
                },
            },
            "return_to": {
                "$ref": "#/$defs/Address",
                "default": {
                    "city": "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson",
                    "zip": "51290",
                },
            },
            "totals": {"type": "object", "additionalProperties": {"type": "number"}},
            "either": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
            "status": {"const": "open"},
            "weird": {"allOf": [{"type": "string"}, {"minLength": 2}]},
            "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]},
            "ratio": {"enum": [0.5, 1.5], "type": "number"},
            "anything": {},
            "contact": {"$ref": "#/$defs/Person"},
            "elsewhere": {"$ref": "other.json#/x"},
        },
        "required": ["firstName", "lines"],
    },
)
COLLIDING = [
    AgentDetail(id="my-agent", output_schema={"type": "string"}),
    AgentDetail(id="my_agent", input_schema={"type": "array", "items": {"type": "string"}}),
    AgentDetail(id="my-agent-output", output_schema={"type": "object", "properties": {}}),
    AgentDetail(id="2fa"),
    AgentDetail(
        id="support-agent",
        output_schema={
            "$ref": "#/$defs/Out",
            "$defs": {
                "Out": {
                    "type": "object",
                    "properties": {"ok": {"type": "boolean"}},
                    "required": ["ok"],
                }
            },
        },
    ),
]
EVERY_CASE = [TRIAGE, ASSISTANT, ORDER, *COLLIDING]


def valid_order() -> dict[str, Any]:
    return {"firstName": "Ann", "lines": [{"sku": "AB", "quantity": 1}]}


def load_module(source: str, directory: Path, name: str) -> ModuleType:
    """Write ``source`` to ``directory/name.py`` and import it (registered in ``sys.modules``
    while the test runs, as pydantic resolves forward references there)."""
    path = directory / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def load(tmp_path: Path) -> Any:
    loaded: list[str] = []

    def generate_and_load(agents: list[AgentDetail], name: str = "agents_types") -> ModuleType:
        loaded.append(name)
        return load_module(generate_agent_types(agents), tmp_path, name)

    yield generate_and_load
    for name in loaded:
        sys.modules.pop(name, None)


def test_an_agent_with_both_schemas(load: Any) -> None:
    module = load([TRIAGE])

    triage = module.TriageInput(tier="pro", seats=3)
    assert input_json(triage) == {"tier": "pro", "seats": 3}
    assert input_json(module.TriageInput(tier="free")) == {"tier": "free"}  # unset: left out
    with pytest.raises(pydantic.ValidationError):
        module.TriageInput(tier="gold")
    with pytest.raises(pydantic.ValidationError):
        module.TriageInput(tier="pro", seats=0)  # minimum: 1
    fields = module.TriageInput.model_fields
    assert fields["tier"].description == "Customer tier"
    assert typing.get_args(fields["tier"].annotation) == ("free", "pro")
    output = module.TriageOutput.model_validate({"category": "bug", "urgent": True})
    assert (output.category, output.urgent) == ("bug", True)
    helper = module.TriageAgent
    assert helper.agent_id == "triage"
    assert inspect.iscoroutinefunction(helper.invoke)
    assert not inspect.iscoroutinefunction(helper.invoke_sync)
    hints = typing.get_type_hints(helper.invoke_sync, vars(module))
    assert hints["input"] is module.TriageInput
    assert hints["return"] is module.TriageOutput
    assert list(inspect.signature(helper.invoke).parameters) == [
        "client",
        "message",
        "input",
        "options",
        "idempotency_key",
        "wait_timeout",
    ]


def test_an_agent_without_schemas_answers_text(load: Any) -> None:
    module = load([ASSISTANT])

    hints = typing.get_type_hints(module.AssistantAgent.invoke, vars(module))
    assert hints["return"] is str
    assert hints["input"] == dict[str, Any] | None
    assert not hasattr(module, "AssistantInput")
    assert "Typed calls of agent ``assistant``." in module.AssistantAgent.__doc__


def test_the_same_agents_give_the_same_module() -> None:
    once = generate_agent_types(EVERY_CASE, source="http://gw:8000", gateway_version="1.2.3")
    again = generate_agent_types(
        list(reversed(EVERY_CASE)), source="http://gw:8000", gateway_version="1.2.3"
    )

    assert once == again


def test_the_header_says_it_is_generated_and_from_where() -> None:
    source = generate_agent_types(
        [TRIAGE, ASSISTANT],
        source="https://bot:s3cret@gw.example.com/api/?token=x",
        gateway_version="1.2.3",
    )

    header = source.splitlines()[:4]
    assert header[0].startswith("# Generated by `agents-gateway codegen` (agent-gateway-client ")
    assert header[1] == "# Agent Gateway 1.2.3 at https://gw.example.com/api."
    assert header[2] == "# Agents: assistant, triage."
    assert "Do not edit" in header[3]
    assert "s3cret" not in source
    assert "token" not in source


def test_nested_objects_refs_enums_and_defaults(load: Any) -> None:
    module = load([ORDER])
    order = module.OrderDeskOutput.model_validate(
        {
            "firstName": "Ann",
            "class": "gold",
            "json": 3,
            "2fa": True,
            "shipping": {"city": "Lyon", "zip": "69001"},
            "color": "cyan",
            "tree": {"value": 1, "children": [{"value": 2, "children": []}]},
            "lines": [{"sku": "AB", "quantity": 2, "gift": {"note": "enjoy"}}],
            "totals": {"net": 9.5},
            "either": 4,
            "status": "open",
        }
    )

    # Names: snake_case, keywords and BaseModel's attributes suffixed, digits prefixed.
    assert (order.first_name, order.class_, order.json_, order.field_2fa) == (
        "Ann",
        "gold",
        3,
        True,
    )
    # $ref: one model per definition, nested objects their own models, recursion included.
    assert isinstance(order.shipping, module.OrderDeskOutputAddress)
    assert module.OrderDeskOutputAddress.__doc__.strip().endswith("A postal address.")
    assert order.tree.children[0].value == 2
    contact = module.OrderDeskOutput.model_validate(
        {**valid_order(), "contact": {"employer": {"ceo": {"employer": None}}}}
    ).contact
    assert isinstance(contact.employer.ceo, module.OrderDeskOutputPerson)
    assert isinstance(order.lines[0], module.OrderDeskOutputLinesItem)
    assert order.lines[0].gift.note == "enjoy"
    # Defaults: the schema's when they fit (a model's built from it), else None.
    assert order.billing == module.OrderDeskOutputAddress(city="Paris")
    assert order.tags == []
    assert order.steps[-1] == "invoice"
    assert order.limits["per warehouse and day"] == 10000
    assert order.return_to.zip == "51290"
    assert order.model_name is None
    # A long enum is a named alias.
    assert typing.get_args(module.OrderDeskOutputColor)[:2] == ("red", "green")
    # Aliases both ways: validated from the schema's names, dumped to them.
    dumped = order.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert dumped["firstName"] == "Ann"
    assert dumped["2fa"] is True
    line = module.OrderDeskOutputLinesItem(sku="CD", quantity=1)
    assert module.OrderDeskOutput(first_name="Bo", lines=[line]).first_name == "Bo"


def test_the_schema_s_checks_hold(load: Any) -> None:
    model = load([ORDER]).OrderDeskOutput
    valid = valid_order()

    model.model_validate(valid)
    for invalid in (
        {**valid, "unexpected": 1},  # additionalProperties: false
        {**valid, "lines": []},  # minItems
        {**valid, "lines": [{"sku": "A", "quantity": 1}]},  # minLength
        {**valid, "lines": [{"sku": "AB", "quantity": 0}]},  # exclusiveMinimum
        {**valid, "shipping": {"city": "Lyon", "zip": "6900"}},  # pattern
        {**valid, "color": "mauve"},  # enum
        {**valid, "status": "closed"},  # const
        {"lines": []},  # required
    ):
        with pytest.raises(pydantic.ValidationError):
            model.model_validate(invalid)


def test_what_is_not_supported_is_any_with_a_comment() -> None:
    source = generate_agent_types([ORDER])

    assert "    # OrderDeskOutput.weird: 'allOf' of 2 schemas is not supported; Any\n" in source
    assert "    weird: Any = None\n" in source
    assert "# OrderDeskOutput.pair: tuple items are not supported; list[Any]" in source
    assert "    pair: list[Any] | None = None\n" in source
    assert (
        "# OrderDeskOutput.ratio: only strings, integers, booleans and null make a Literal"
        in source
    )
    assert "    ratio: float | None = None\n" in source
    assert "# OrderDeskOutput.elsewhere: $ref other.json#/x is not in this schema; Any" in source
    assert '# json: the default "not a number" does not fit; not applied' in source
    assert "    anything: Any = None\n" in source


def test_names_never_collide(load: Any) -> None:
    module = load(COLLIDING)

    assert module.MyAgent.agent_id == "my-agent"
    assert module.MyAgent2.agent_id == "my_agent"
    assert module.MyAgentOutputAgent.agent_id == "my-agent-output"
    assert module.Agent2faAgent.agent_id == "2fa"
    assert module.SupportAgent.agent_id == "support-agent"
    # my-agent's output and my_agent's input: the names are taken in order of the ids.
    assert module.MyAgentOutput.model_validate("text").root == "text"
    assert module.MyAgentInput(["a"]).root == ["a"]
    # An object with no properties is a dict; a $ref at the root is the root model itself.
    assert module.MyAgentOutputOutput.model_validate({"x": 1}).root == {"x": 1}
    assert module.SupportAgentOutput(ok=True).ok is True


def test_items_of_a_list_are_refused() -> None:
    listed = Agent(id="triage", has_input_schema=True)

    with pytest.raises(TypeError, match=r"client\.agents\.get"):
        generate_agent_types([listed])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="agents given twice"):
        generate_agent_types([TRIAGE, TRIAGE])


def test_an_output_that_does_not_match_is_a_clear_error(load: Any) -> None:
    module = load([TRIAGE])
    run = AgentRun(agent_id="triage", execution_id="e-1", output={"category": "x"}, raw_text="")

    with pytest.raises(AgentOutputError) as caught:
        parse_output(run, module.TriageOutput)

    error = caught.value
    assert isinstance(error, GatewayError)
    assert isinstance(error, ValueError)
    assert (error.execution_id, error.agent_id, error.code) == ("e-1", "triage", "output_mismatch")
    assert [e.path for e in error.errors] == ["category", "urgent"]
    assert str(error).startswith(
        "output_mismatch: the output of agent 'triage' does not match TriageOutput: category: "
    )
    assert isinstance(error.__cause__, pydantic.ValidationError)


def _tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


# Beyond ruff's defaults: what this repository selects, and more. Not E501: a description
# longer than a line stays one string.
RUFF_RULES = "E,F,W,I,B,UP,SIM,RUF,ASYNC,C4,RET,PIE,N,PLE,PLW,PERF,FURB,ARG,Q,ISC,T20"


def test_the_module_passes_ruff_and_mypy_strict(tmp_path: Path) -> None:
    (tmp_path / "agents_types.py").write_text(
        generate_agent_types(EVERY_CASE, source="http://127.0.0.1:8000", gateway_version="0.1.0"),
        encoding="utf-8",
    )
    (tmp_path / "mypy.ini").write_text(
        "[mypy]\nstrict = True\ncache_dir = .mypy_cache\n", encoding="utf-8"
    )
    (tmp_path / "mypy_pydantic.ini").write_text(
        "[mypy]\nstrict = True\ncache_dir = .mypy_cache_pydantic\nplugins = pydantic.mypy\n",
        encoding="utf-8",
    )

    checks = {
        "ruff check": _tool(
            "ruff",
            "check",
            "--isolated",
            "--select",
            RUFF_RULES,
            "--ignore",
            "E501",
            "--target-version",
            "py313",
            "agents_types.py",
            cwd=tmp_path,
        ),
        "ruff format (88)": _tool(
            "ruff", "format", "--isolated", "--check", "--diff", "agents_types.py", cwd=tmp_path
        ),
        "ruff format (100)": _tool(
            "ruff",
            "format",
            "--isolated",
            "--check",
            "--diff",
            "--line-length",
            "100",
            "agents_types.py",
            cwd=tmp_path,
        ),
        "mypy --strict": _tool(
            "mypy", "--config-file", "mypy.ini", "agents_types.py", cwd=tmp_path
        ),
        "mypy --strict, pydantic plugin": _tool(
            "mypy", "--config-file", "mypy_pydantic.ini", "agents_types.py", cwd=tmp_path
        ),
    }

    failed = {name: run.stdout + run.stderr for name, run in checks.items() if run.returncode}
    assert failed == {}
