"""Output schema precedence: options > set_output_schema > AGENT.md frontmatter > none.

Each model reply matches only the schema that should win, so an execution that succeeds
proves which schema was applied.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from agent_gateway import Gateway
from agent_gateway_core.domain.execution import ExecutionOptions, ExecutionStatus
from agent_gateway_core.testing import reply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.integration

AddAgent = Callable[..., Path]
PromptOf = Callable[..., str]

FRONTMATTER_SCHEMA = {
    "type": "object",
    "properties": {"from_frontmatter": {"type": "string"}},
    "required": ["from_frontmatter"],
    "additionalProperties": False,
}
OPTIONS_SCHEMA = {
    "type": "object",
    "properties": {"from_options": {"type": "boolean"}},
    "required": ["from_options"],
    "additionalProperties": False,
}


class FromCode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_code: int


@pytest.fixture
def extractor(served_workspace: Path, add_agent: AddAgent) -> Path:
    add_agent(served_workspace, "extractor", output_schema=FRONTMATTER_SCHEMA)
    return served_workspace


def answer(value: dict[str, Any]) -> Any:
    return reply(json.dumps(value))


async def test_the_frontmatter_schema_applies_without_overrides(
    extractor: Path, model_server: FakeOpenAIServer
) -> None:
    model_server.push(answer({"from_frontmatter": "yes"}))
    async with Gateway(workspace=extractor, auth=False) as gw:
        result = await gw.invoke("extractor", "extract")
    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.output == {"from_frontmatter": "yes"}


async def test_set_output_schema_beats_the_frontmatter_and_returns_model_instances(
    extractor: Path, model_server: FakeOpenAIServer, prompt_of: PromptOf
) -> None:
    gw = Gateway(workspace=extractor, auth=False)
    gw.set_output_schema("extractor", FromCode)
    model_server.push(answer({"from_code": 7}))
    async with gw:
        result = await gw.invoke("extractor", "extract")
    assert result.status is ExecutionStatus.SUCCEEDED
    assert isinstance(result.output, FromCode)
    assert result.output.from_code == 7
    assert "from_code" in prompt_of(model_server)
    assert "from_frontmatter" not in prompt_of(model_server)


async def test_options_output_schema_beats_set_output_schema(
    extractor: Path, model_server: FakeOpenAIServer
) -> None:
    gw = Gateway(workspace=extractor, auth=False)
    gw.set_output_schema("extractor", FromCode)
    model_server.push(answer({"from_options": True}))
    async with gw:
        result = await gw.invoke(
            "extractor", "extract", options=ExecutionOptions(output_schema=OPTIONS_SCHEMA)
        )
    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.output == {"from_options": True}


async def test_a_dict_schema_in_code_gives_a_dict(
    extractor: Path, model_server: FakeOpenAIServer
) -> None:
    gw = Gateway(workspace=extractor, auth=False)
    gw.set_output_schema("extractor", OPTIONS_SCHEMA)
    model_server.push(answer({"from_options": False}))
    async with gw:
        result = await gw.invoke("extractor", "extract")
    assert result.output == {"from_options": False}
    assert type(result.output) is dict


async def test_an_answer_that_fails_the_winning_schema_fails_the_execution(
    extractor: Path, model_server: FakeOpenAIServer
) -> None:
    gw = Gateway(workspace=extractor, auth=False)
    gw.set_output_schema("extractor", FromCode)
    # Matches the frontmatter's schema, which set_output_schema replaced.
    model_server.push(*[answer({"from_frontmatter": "no"}) for _ in range(5)])
    async with gw:
        result = await gw.invoke("extractor", "extract")
    assert result.status is ExecutionStatus.FAILED
    assert result.error_code == "output_validation_error"
    assert result.validation_errors


async def test_set_output_schema_for_an_unknown_agent_warns_and_does_nothing(
    served_workspace: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gw = Gateway(workspace=served_workspace, auth=False)
    gw.set_output_schema("ghost", FromCode)
    with caplog.at_level(logging.WARNING):
        async with gw:
            result = await gw.invoke("assistant", "plain text is fine")
    assert result.output is None
    assert result.raw_text == "echo: plain text is fine"
    assert "set_output_schema: unknown agent 'ghost'" in caplog.text


async def test_a_pending_schema_survives_reload(
    extractor: Path, model_server: FakeOpenAIServer, add_agent: AddAgent
) -> None:
    gw = Gateway(workspace=extractor, auth=False)
    gw.set_output_schema("extractor", FromCode)
    gw.set_output_schema("later", FromCode)  # unknown now: applied once it appears
    async with gw:
        add_agent(extractor, "later")
        await gw.reload()
        model_server.push(answer({"from_code": 1}), answer({"from_code": 2}))
        first = await gw.invoke("extractor", "extract")
        second = await gw.invoke("later", "extract")
    assert isinstance(first.output, FromCode)
    assert first.output.from_code == 1
    assert isinstance(second.output, FromCode)
    assert second.output.from_code == 2
