"""Streamed pieces assembled into the final response: text, tool calls by index, usage."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.messages import ToolCall
from agent_gateway_core.llm.stream_assembler import StreamAssembler

pytestmark = pytest.mark.unit


def test_text_pieces_join_into_the_content() -> None:
    assembler = StreamAssembler()
    for piece in ("The ", "quick ", "fox."):
        assembler.add_text(piece)
    assembler.finish_reason = "stop"
    assembler.input_tokens, assembler.output_tokens = 7, 3

    response = assembler.response("openai/m", 0.25)

    assert response.content == "The quick fox."
    assert response.finish_reason == "stop"
    assert (response.usage.input_tokens, response.usage.output_tokens) == (7, 3)
    assert response.usage.cost_usd == 0.25
    assert response.model == "openai/m"


def test_tool_calls_are_assembled_by_index_in_index_order() -> None:
    assembler = StreamAssembler()
    assembler.add_tool_call_fragment(1, "call_b", "second", "")
    assembler.add_tool_call_fragment(0, "call_a", "first", '{"ci')
    assembler.add_tool_call_fragment(1, None, None, "{}")
    assembler.add_tool_call_fragment(0, None, None, 'ty": "Paris"}')

    response = assembler.response("m", None)

    assert response.content is None, "no text and tool calls: content is None"
    assert response.tool_calls == (
        ToolCall(id="call_a", name="first", arguments={"city": "Paris"}),
        ToolCall(id="call_b", name="second", arguments={}),
    )
    assert response.usage.cost_usd == 0.0


def test_broken_streamed_arguments_are_reported() -> None:
    assembler = StreamAssembler()
    assembler.add_tool_call_fragment(0, "call_a", "lookup", "{oops")

    (call,) = assembler.response("m", None).tool_calls

    assert call.arguments == {}
    assert call.arguments_error is not None
    assert "not valid JSON" in call.arguments_error


def test_an_empty_stream_has_empty_text() -> None:
    assert StreamAssembler().response("m", None).content == ""
