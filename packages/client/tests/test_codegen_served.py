"""Typed agents against a real gateway over HTTP: generated from its agents, imported, and
invoked through the typed helpers (async and sync) with the fake model answering JSON."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from agent_gateway_client import GatewayClient, GatewayClientSync
from agent_gateway_client.codegen import generate_agent_types
from agent_gateway_client.codegen_runtime import AgentOutputError
from agent_gateway_core.testing import reply

from ._served import ALICE, ScriptedModel, serve, served_model
from .test_codegen import load_module

pytestmark = pytest.mark.integration

GATEWAY_YAML = """\
model:
  default: openai/gpt-4o-mini
  api_base: {api_base}
  api_key: sk-test
persistence:
  backend: memory
auth:
  api_keys:
    - {{name: alice, key: sk-alice, scopes: ["*"]}}
"""

TRIAGE = """\
---
description: Classifies a support request.
input_schema:
  type: object
  properties:
    tier: {type: string, enum: [free, pro], description: Customer tier}
    seats: {type: integer, minimum: 1}
  required: [tier]
output_schema:
  type: object
  properties:
    category: {type: string, enum: [billing, bug]}
    urgent: {type: boolean}
    labels: {type: array, items: {type: string}}
  required: [category, urgent]
---
Classify the request.
"""

REPORT = """\
---
description: Writes a report in the background.
execution_mode: async
output_schema:
  type: object
  $defs:
    Section: {type: object, properties: {title: {type: string}, words: {type: integer}}, required: [title]}
  properties:
    sections: {type: array, items: {$ref: "#/$defs/Section"}}
  required: [sections]
---
Write the report.
"""

ASSISTANT = "---\ndescription: A helpful assistant.\n---\nYou are helpful.\n"


class Served:
    def __init__(self, url: str, model: ScriptedModel, module: ModuleType, source: str) -> None:
        self.url, self.model, self.module, self.source = url, model, module, source


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A gateway with ``triage``, ``report-writer`` and ``assistant``, and the module
    generated from its agents (imported as ``served_agents``)."""
    from agent_gateway import Gateway

    root = tmp_path_factory.mktemp("codegen")
    with pytest.MonkeyPatch.context() as env:
        for name in [n for n in os.environ if n.upper().startswith("AGENT_GATEWAY_")]:
            env.delenv(name)
        with served_model() as (model_server, model):
            workspace = root / "workspace"
            files = {
                "gateway.yaml": GATEWAY_YAML.format(api_base=model_server.base_url),
                "agents/triage/AGENT.md": TRIAGE,
                "agents/report-writer/AGENT.md": REPORT,
                "agents/assistant/AGENT.md": ASSISTANT,
            }
            for relative, text in files.items():
                (workspace / relative).parent.mkdir(parents=True, exist_ok=True)
                (workspace / relative).write_text(text, encoding="utf-8")
            with serve(Gateway(workspace=workspace)) as url:
                with GatewayClientSync(url, api_key=ALICE) as client:
                    agents = [client.agents.get(agent.id) for agent in client.agents.list()]
                    version = client.health().version
                source = generate_agent_types(agents, source=url, gateway_version=version)
                module = load_module(source, root, "served_agents")
                try:
                    yield Served(url, model, module, source)
                finally:
                    sys.modules.pop("served_agents", None)


@pytest.fixture
def gateway_model(served: Served) -> Iterator[ScriptedModel]:
    served.model.clear()
    yield served.model
    served.model.clear()


def test_the_module_types_the_gateway_s_agents(served: Served) -> None:
    module = served.module

    assert f"# Agent Gateway 0.1.0 at {served.url}." in served.source
    assert "# Agents: assistant, report-writer, triage." in served.source
    assert module.TriageAgent.agent_id == "triage"
    assert module.ReportWriterAgent.agent_id == "report-writer"
    assert module.AssistantAgent.agent_id == "assistant"
    assert set(module.TriageInput.model_fields) == {"tier", "seats"}
    assert set(module.ReportWriterOutput.model_fields) == {"sections"}
    assert module.ReportWriterOutputSection(title="Intro").words is None


def test_invoke_sync_returns_the_typed_output(served: Served, gateway_model: ScriptedModel) -> None:
    module = served.module
    gateway_model.push(reply('{"category": "bug", "urgent": true, "labels": ["crash"]}'))

    with GatewayClientSync(served.url, api_key=ALICE) as client:
        output = module.TriageAgent.invoke_sync(
            client, "The app crashes", module.TriageInput(tier="pro", seats=3)
        )
        execution = client.executions.list(agent_id="triage", limit=1)[0]

    assert isinstance(output, module.TriageOutput)
    assert (output.category, output.urgent, output.labels) == ("bug", True, ["crash"])
    assert execution.input == {"tier": "pro", "seats": 3}


async def test_invoke_returns_the_typed_output(
    served: Served, gateway_model: ScriptedModel
) -> None:
    module = served.module
    gateway_model.push(reply('{"category": "billing", "urgent": false}'))

    async with GatewayClient(served.url, api_key=ALICE) as client:
        output = await module.TriageAgent.invoke(
            client, "Refund me", module.TriageInput(tier="free"), idempotency_key="typed-1"
        )
        execution = (await client.executions.list(agent_id="triage", limit=1))[0]

    assert isinstance(output, module.TriageOutput)
    assert (output.category, output.urgent, output.labels) == ("billing", False, None)
    assert execution.input == {"tier": "free"}  # unset fields are not sent


def test_an_agent_in_the_background_is_waited_for(
    served: Served, gateway_model: ScriptedModel
) -> None:
    module = served.module
    gateway_model.push(reply('{"sections": [{"title": "Intro", "words": 120}, {"title": "End"}]}'))

    with GatewayClientSync(served.url, api_key=ALICE) as client:
        output = module.ReportWriterAgent.invoke_sync(client, "Write it", wait_timeout=10)

    assert isinstance(output, module.ReportWriterOutput)
    assert [(s.title, s.words) for s in output.sections] == [("Intro", 120), ("End", None)]
    assert isinstance(output.sections[0], module.ReportWriterOutputSection)


async def test_an_agent_without_an_output_schema_returns_its_text(served: Served) -> None:
    async with GatewayClient(served.url, api_key=ALICE) as client:
        answer = await served.module.AssistantAgent.invoke(client, "Hello")

    assert answer == "echo: Hello"


def test_an_output_that_no_longer_matches_raises_a_clear_error(
    served: Served, gateway_model: ScriptedModel, tmp_path: Path
) -> None:
    # The module was generated when triage's output also required a priority; the agent
    # changed since, and its answers no longer have it.
    with GatewayClientSync(served.url, api_key=ALICE) as client:
        triage = client.agents.get("triage")
        older_schema: dict[str, Any] = {
            **(triage.output_schema or {}),
            "required": ["category", "urgent", "priority"],
        }
        older_schema["properties"] = {**older_schema["properties"], "priority": {"type": "integer"}}
        older = triage.model_copy(update={"output_schema": older_schema})
        module = load_module(generate_agent_types([older]), tmp_path, "older_agents")
        gateway_model.push(reply('{"category": "bug", "urgent": true}'))
        try:
            with pytest.raises(AgentOutputError) as caught:
                module.TriageAgent.invoke_sync(client, "Crash", module.TriageInput(tier="pro"))
        finally:
            sys.modules.pop("older_agents", None)

    error = caught.value
    assert [e.path for e in error.errors] == ["priority"]
    assert error.output == {"category": "bug", "urgent": True}
    assert error.execution_id
    assert "does not match TriageOutput: priority: Field required" in str(error)
