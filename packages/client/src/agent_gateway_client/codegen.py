"""Typed agents: a Python module of pydantic models from the agents' schemas, and a helper per
agent whose ``invoke`` returns the agent's declared output model.

::

    with GatewayClientSync() as client:
        agents = [client.agents.get(agent.id) for agent in client.agents.list()]
    Path("agents_types.py").write_text(generate_agent_types(agents, source=client.settings.base_url))

    # then, in your code:
    from agents_types import TriageAgent, TriageInput

    result = TriageAgent.invoke_sync(client, "The app crashes", TriageInput(tier="pro"))
    result.category  # typed: Literal["billing", "bug"]

For each agent (``my-agent`` becomes ``MyAgent``): ``MyAgentInput`` from its input schema,
``MyAgentOutput`` from its output schema (nested objects and ``$defs`` their own models,
see :mod:`agent_gateway_client.codegen_schema` for the subset of JSON Schema typed), and
``MyAgentAgent`` with ``agent_id``, ``invoke`` (a :class:`GatewayClient`) and
``invoke_sync`` (a :class:`GatewayClientSync`). An agent without an output schema answers
text: its ``invoke`` returns the ``raw_text``. The same agents give the same module, byte for
byte; it passes ``ruff check``, ``ruff format --check`` and ``mypy --strict``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from agent_gateway_client._version import __version__
from agent_gateway_client.codegen_render import render_definition
from agent_gateway_client.codegen_schema import SchemaConverter
from agent_gateway_client.codegen_source import (
    INDENT,
    LINE_LENGTH,
    Imports,
    Names,
    call,
    comment,
    docstring,
    docstring_text,
    pascal_case,
    string_literal,
)
from agent_gateway_client.codegen_types import ModelDef
from agent_gateway_client.models.agents import AgentDetail

__all__ = ["generate_agent_types"]

_CLIENT = "agent_gateway_client"
_RUNTIME = "agent_gateway_client.codegen_runtime"
_IMPORTED = (
    "Annotated",
    "Any",
    "ClassVar",
    "Literal",
    "BaseModel",
    "ConfigDict",
    "Field",
    "RootModel",
    "GatewayClient",
    "GatewayClientSync",
    "InvokeOptions",
)
_BUILTINS = ("None", "True", "False", "str", "int", "float", "bool", "list", "dict", "type")


@dataclass(frozen=True, slots=True)
class _AgentNames:
    agent: AgentDetail
    helper: str
    input: str | None
    output: str | None


def generate_agent_types(
    agents: Sequence[AgentDetail],
    *,
    source: str | None = None,
    gateway_version: str | None = None,
) -> str:
    """The source of a module typing ``agents``, as ``client.agents.get(id)`` returns them
    (``agents.list()`` answers without the schemas: it is refused). ``source`` (the gateway's
    URL, credentials and query left out) and ``gateway_version`` go in the header."""
    for agent in agents:
        if not isinstance(agent, AgentDetail):
            raise TypeError(
                f"agent {getattr(agent, 'id', agent)!r} has no schemas: pass what "
                "client.agents.get(agent_id) returns, not an item of client.agents.list()"
            )
    ordered = sorted(agents, key=lambda agent: agent.id)
    ids = [agent.id for agent in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError(f"agents given twice: {sorted({i for i in ids if ids.count(i) > 1})}")
    imports = Imports()
    imports.add("__future__", "annotations")
    names = Names((*_IMPORTED, *_BUILTINS))
    planned = [_claim(agent, names) for agent in ordered]
    converter = SchemaConverter(names, imports)
    for plan in planned:
        shown = _shown_id(plan.agent.id)
        if plan.input is not None:
            converter.convert_root(plan.agent.input_schema, plan.input, f"The input of {shown}.")
        if plan.output is not None:
            converter.convert_root(plan.agent.output_schema, plan.output, f"The output of {shown}.")
    models = {d.name: d for d in converter.definitions if isinstance(d, ModelDef)}
    blocks = [render_definition(d, imports) for d in converter.definitions]
    blocks += [_helper(plan, models, imports) for plan in planned]
    rebuilds = [f"{m.name}.model_rebuild()" for m in models.values() if m.rebuild]
    if rebuilds:
        blocks.append(rebuilds)
    lines = [*_header(source, gateway_version, ids), "", *imports.lines()]
    for block in blocks:
        lines += ["", "", *block]
    return "\n".join(lines) + "\n"


def _claim(agent: AgentDetail, names: Names) -> _AgentNames:
    base = pascal_case(agent.id) or "Agent"
    if base[0].isdigit():
        base = f"Agent{base}"
    helper = names.claim(base if base.endswith("Agent") else f"{base}Agent")
    return _AgentNames(
        agent,
        helper,
        names.claim(f"{base}Input") if _has_schema(agent.input_schema) else None,
        names.claim(f"{base}Output") if _has_schema(agent.output_schema) else None,
    )


def _has_schema(schema: dict[str, Any] | None) -> bool:
    return bool(schema)  # None or {} (anything goes) types nothing


def _header(source: str | None, version: str | None, ids: list[str]) -> list[str]:
    gateway = "Agent Gateway" + (f" {comment(version)}" if version else "")
    where = f" at {comment(_without_secrets(source))}" if source else ""
    shown = textwrap.wrap(
        f"Agents: {', '.join(comment(i) for i in ids) or 'none'}.",
        width=LINE_LENGTH - 2,
        subsequent_indent="  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [
        f"# Generated by `agents-gateway codegen` (agent-gateway-client {__version__}) from",
        f"# {gateway}{where}.",
        *(f"# {line}" for line in shown),
        "# Do not edit: generate it again when the agents change.",
        '"""Typed agents: pydantic models of their input and output schemas, and a helper per',
        'agent whose ``invoke`` returns its output as the declared model."""',
    ]


def _without_secrets(url: str) -> str:
    """The URL without credentials, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


def _shown_id(agent_id: str) -> str:
    safe = docstring_text(agent_id)
    return f"agent ``{safe}``" if safe and "`" not in safe else "the agent"


def _helper(plan: _AgentNames, models: dict[str, ModelDef], imports: Imports) -> list[str]:
    agent = plan.agent
    imports.add("typing", "ClassVar")
    returns = plan.output or "str"
    what = f"``{plan.output}``" if plan.output else "text (the answer's ``raw_text``)"
    lines = [f"class {plan.helper}:"]
    lines += docstring(
        f"Typed calls of {_shown_id(agent.id)}.", docstring_text(agent.description), indent=INDENT
    )
    lines += ["", f"{INDENT}agent_id: ClassVar[str] = {string_literal(agent.id)}"]
    if plan.input is None:
        imports.add("typing", "Any")
        input_parameter = "input: dict[str, Any] | None = None"
    elif _input_required(models.get(plan.input)):
        input_parameter = f"input: {plan.input}"
    else:
        input_parameter = f"input: {plan.input} | None = None"
    for flavour in ("async", "sync"):
        lines += ["", *_method(plan, flavour, input_parameter, returns, what, imports)]
    return lines


def _input_required(model: ModelDef | None) -> bool:
    """Whether the input must be given: a root model, or a model with a required field."""
    return model is None or model.root is not None or any(f.required for f in model.fields)


def _method(
    plan: _AgentNames, flavour: str, input_parameter: str, returns: str, what: str, imports: Imports
) -> list[str]:
    asynchronous = flavour == "async"
    client = imports.add(_CLIENT, "GatewayClient" if asynchronous else "GatewayClientSync")
    imports.add(_CLIENT, "InvokeOptions")
    run = imports.add(_RUNTIME, "run_agent" if asynchronous else "run_agent_sync")
    inner = INDENT * 2
    parameters = [
        f"client: {client}",
        "message: str",
        input_parameter,
        "*",
        "options: InvokeOptions | None = None",
        "idempotency_key: str | None = None",
        "wait_timeout: float | None = 300.0",
    ]
    name = "invoke" if asynchronous else "invoke_sync"
    lines = [
        f"{INDENT}@staticmethod",
        f"{INDENT}{'async ' if asynchronous else ''}def {name}(",
        *(f"{inner}{parameter}," for parameter in parameters),
        f"{INDENT}) -> {returns}:",
    ]
    if plan.output:
        imports.add(_RUNTIME, "parse_output")
        summary = f"Invoke the agent; its output as {what}."
        body = "An output that does not match raises ``AgentOutputError``."
    else:
        summary = f"Invoke the agent; its answer as {what}."
        body = None
    lines += docstring(summary, body, indent=inner)
    arguments = [
        "client",
        string_literal(plan.agent.id),
        "message",
        "input=input",
        "options=options",
        "idempotency_key=idempotency_key",
        "wait_timeout=wait_timeout",
    ]
    lines += call(f"run = {'await ' if asynchronous else ''}{run}", arguments, indent=inner)
    result = f"parse_output(run, {plan.output})" if plan.output else "run.raw_text"
    return [*lines, f"{inner}return {result}"]
