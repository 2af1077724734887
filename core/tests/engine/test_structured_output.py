"""Structured output: which schema applies, parsing, the repair round, pydantic instances."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from agent_gateway_core.domain.agent import Guardrails
from agent_gateway_core.domain.execution import (
    ExecutionKind,
    ExecutionOptions,
    ExecutionStatus,
    StopReason,
)
from agent_gateway_core.domain.messages import Role
from agent_gateway_core.engine.schemas import CompiledSchema
from agent_gateway_core.engine.structured_output import SchemaCache, parse_structured_output
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.testing import reply

pytestmark = pytest.mark.unit

PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}


class Resume(BaseModel):
    full_name: str
    years_experience: int


async def test_dict_schema_output_is_parsed_and_stored(harness) -> None:
    harness.llm.push(reply('{"name": "Ada", "age": 36}'))
    engine = harness.engine(harness.agent(output_schema=PERSON))

    result = await harness.run(engine)

    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.output == {"name": "Ada", "age": 36}
    request = harness.llm.requests[0]
    assert request.response_schema == PERSON
    assert "matches this JSON Schema" in request.messages[0].content
    record = await harness.persistence.executions.get(result.execution_id)
    assert record.result == {"name": "Ada", "age": 36}


async def test_pydantic_schema_output_is_an_instance(harness) -> None:
    harness.llm.push(reply('```json\n{"full_name": "Grace Hopper", "years_experience": 40}\n```'))
    engine = harness.engine(harness.agent(), output_schemas={"helper": Resume})

    result = await harness.run(engine)

    assert result.output == Resume(full_name="Grace Hopper", years_experience=40)
    assert harness.llm.requests[0].response_schema == Resume.model_json_schema()
    assert harness.llm.requests[0].response_schema_name == "Resume"
    record = await harness.persistence.executions.get(result.execution_id)
    assert record.result == {"full_name": "Grace Hopper", "years_experience": 40}


async def test_one_repair_round_fixes_invalid_output(harness) -> None:
    harness.llm.push(reply('{"name": "Ada"}'), reply('{"name": "Ada", "age": 36}'))
    engine = harness.engine(harness.agent(output_schema=PERSON))

    result = await harness.run(engine)

    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.output == {"name": "Ada", "age": 36}
    repair = harness.llm.requests[1].messages
    assert [m.role for m in repair[-2:]] == [Role.ASSISTANT, Role.USER]
    assert repair[-2].content == '{"name": "Ada"}'
    assert "(root): 'age' is a required property" in repair[-1].content
    assert result.usage.llm_calls == 2


async def test_output_still_invalid_after_repair_fails_the_execution(harness) -> None:
    harness.llm.push(reply("not json at all"), reply('{"name": 5, "age": 36}'))
    engine = harness.engine(harness.agent(output_schema=PERSON))

    result = await harness.run(engine)

    assert result.status is ExecutionStatus.FAILED
    assert result.stop_reason is StopReason.ERROR
    assert result.error_code == "output_validation_error"
    assert result.validation_errors == ["name: 5 is not of type 'string'"]
    assert result.raw_text == '{"name": 5, "age": 36}'
    assert "after one repair attempt" in result.error
    assert len(harness.llm.requests) == 2
    record = await harness.persistence.executions.get(result.execution_id)
    assert record.status is ExecutionStatus.FAILED


async def test_pydantic_validation_errors_name_the_field(harness) -> None:
    harness.llm.push(reply('{"full_name": "X"}'), reply('{"full_name": "X"}'))
    engine = harness.engine(harness.agent(), output_schemas={"helper": Resume})

    result = await harness.run(engine)

    assert result.validation_errors == ["years_experience: Field required"]


async def test_options_schema_beats_code_schema_beats_agent_schema(harness) -> None:
    code_schema = {"type": "object", "properties": {"from": {"const": "code"}}}
    call_schema = {"type": "object", "properties": {"from": {"const": "call"}}}
    engine = harness.engine(
        harness.agent(output_schema=PERSON), output_schemas={"helper": code_schema}
    )
    harness.llm.push(reply("{}"), reply("{}"))

    await harness.run(engine)
    await harness.run(engine, options=ExecutionOptions(output_schema=call_schema))

    assert harness.llm.requests[0].response_schema == code_schema
    assert harness.llm.requests[1].response_schema == call_schema


async def test_agent_schema_applies_when_nothing_overrides_it(harness) -> None:
    harness.llm.push(reply('{"name": "A", "age": 1}'))
    await harness.run(harness.engine(harness.agent(output_schema=PERSON)))

    assert harness.llm.requests[0].response_schema == PERSON


async def test_chat_turns_ignore_agent_schemas_but_honour_options(harness) -> None:
    engine = harness.engine(harness.agent(output_schema=PERSON))
    harness.llm.push(reply("plain chat text"), reply('{"name": "A", "age": 1}'))

    chat = await harness.run(engine, kind=ExecutionKind.CHAT)
    chat_with_schema = await harness.run(
        engine, kind=ExecutionKind.CHAT, options=ExecutionOptions(output_schema=PERSON)
    )

    assert chat.status is ExecutionStatus.SUCCEEDED
    assert chat.output is None
    assert harness.llm.requests[0].response_schema is None
    assert chat_with_schema.output == {"name": "A", "age": 1}


async def test_invalid_agent_output_schema_is_a_config_error(harness) -> None:
    engine = harness.engine(harness.agent(output_schema={"type": "no-such-type"}))

    with pytest.raises(ConfigError, match="output schema of agent 'helper' is not a valid JSON"):
        await harness.run(engine)


def test_fenced_and_bare_json_parse_alike() -> None:
    schema = CompiledSchema(PERSON)
    for text in (
        '{"name": "A", "age": 1}',
        '```json\n{"name": "A", "age": 1}\n```',
        '  ```\n{"name": "A", "age": 1}\n```  ',
    ):
        assert parse_structured_output(text, schema) == ({"name": "A", "age": 1}, [])


def test_non_json_answer_is_one_error() -> None:
    value, errors = parse_structured_output("Sure! Here it is", CompiledSchema(PERSON))

    assert value is None
    assert len(errors) == 1
    assert errors[0].startswith("(root): the answer is not valid JSON")


def test_schema_cache_compiles_a_repeated_schema_once() -> None:
    cache = SchemaCache(max_entries=2)

    first = cache.compile(json.loads(json.dumps(PERSON)))
    again = cache.compile(dict(PERSON))

    assert first is again
    assert cache.compile(Resume) is cache.compile(Resume)


def test_schema_that_is_neither_dict_nor_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="must be a JSON Schema dict or a pydantic BaseModel"):
        CompiledSchema("string")  # type: ignore[arg-type]


def test_an_answer_nested_deeper_than_the_limit_is_an_error_naming_it() -> None:
    schema = CompiledSchema({"type": "object"})
    at_the_limit = '{"a": ' + "[" * 31 + "]" * 31 + "}"  # 32 levels
    too_deep = '{"a": ' + "[" * 32 + "]" * 32 + "}"

    assert parse_structured_output(at_the_limit, schema)[1] == []
    value, errors = parse_structured_output(too_deep, schema)
    assert value is None
    assert errors == [
        "(root): the answer nests objects and arrays more than 32 levels deep, the limit "
        "(guardrails.max_output_depth)"
    ]
    assert parse_structured_output(too_deep, schema, max_depth=33)[1] == []


def test_an_answer_past_the_parsers_recursion_is_an_error_not_a_crash() -> None:
    value, errors = parse_structured_output("[" * 100_000 + "]" * 100_000, CompiledSchema({}))

    assert value is None
    assert "more than 32 levels deep" in errors[0]


async def test_an_agent_may_allow_deeper_answers_with_guardrails(harness) -> None:
    deep = {"a": json.loads("[" * 39 + "]" * 39)}  # 40 levels
    harness.llm.push(reply(json.dumps(deep)))
    agent = harness.agent(
        output_schema={"type": "object"}, guardrails=Guardrails(max_output_depth=40)
    )

    result = await harness.run(harness.engine(agent))

    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.output == deep
