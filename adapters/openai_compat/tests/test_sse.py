"""The SSE decoder: events cut anywhere between network chunks come out whole and in order."""

from __future__ import annotations

import pytest

from agent_gateway_openai_compat.sse import SSEDecoder

pytestmark = pytest.mark.unit

STREAM = (
    b'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n'
    b'data: {"choices":[{"delta":{"content":"lo"}}]}\n\n'
    b"data: [DONE]\n\n"
)
EVENTS = [
    b'{"choices":[{"delta":{"content":"Hel"}}]}',
    b'{"choices":[{"delta":{"content":"lo"}}]}',
    b"[DONE]",
]


def _decode(chunks: list[bytes]) -> list[bytes]:
    decoder = SSEDecoder()
    return [event for chunk in chunks for event in decoder.feed(chunk)]


def test_a_whole_stream_in_one_chunk() -> None:
    assert _decode([STREAM]) == EVENTS


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 11, 50])
def test_chunks_cut_mid_line_and_mid_separator(size: int) -> None:
    chunks = [STREAM[i : i + size] for i in range(0, len(STREAM), size)]

    assert _decode(chunks) == EVENTS


def test_every_possible_single_cut() -> None:
    for cut in range(len(STREAM) + 1):
        assert _decode([STREAM[:cut], STREAM[cut:]]) == EVENTS, cut


def test_crlf_line_endings_cut_between_cr_and_lf() -> None:
    crlf = STREAM.replace(b"\n", b"\r\n")

    for cut in range(len(crlf) + 1):
        assert _decode([crlf[:cut], crlf[cut:]]) == EVENTS, cut


def test_an_event_is_held_back_until_its_blank_line_arrives() -> None:
    decoder = SSEDecoder()

    assert decoder.feed(b'data: {"a":1}\n') == []
    assert decoder.feed(b"\n") == [b'{"a":1}']


def test_multi_line_data_is_joined_with_newlines() -> None:
    assert _decode([b"data: first\ndata: second\n\n"]) == [b"first\nsecond"]


def test_data_without_a_space_after_the_colon() -> None:
    assert _decode([b"data:[DONE]\n\n"]) == [b"[DONE]"]


def test_comments_and_other_fields_are_skipped() -> None:
    stream = b": keep-alive\n\nevent: message\nid: 7\nretry: 100\ndata: x\n\n"

    assert _decode([stream]) == [b"x"]


def test_blank_lines_without_data_make_no_event() -> None:
    assert _decode([b"\n\n\r\n\n"]) == []
