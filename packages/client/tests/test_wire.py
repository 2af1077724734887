"""The client's pure parts: SSE decoding, the retry policy, reading error bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from agent_gateway_client import (
    AuthenticationError,
    ChatEvent,
    ConflictError,
    DeltaEvent,
    ErrorEvent,
    FieldError,
    GatewayError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    ServerSentEvent,
    ValidationError,
)
from agent_gateway_client._errors import error_from_response, field_errors
from agent_gateway_client._retry import MAX_RETRY_AFTER, retry_after_seconds
from agent_gateway_client._sse import SSEDecoder
from agent_gateway_client.models.chat import chat_event

pytestmark = pytest.mark.unit


def decode(text: str) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events = [decoder.decode(line) for line in text.split("\n")]
    return [event for event in events if event is not None]


def test_sse_events_are_split_on_blank_lines() -> None:
    events = decode(
        'id: 1\nevent: session\ndata: {"a":1}\n\n: a comment\nid: 2\nevent: delta\n'
        'data: {"text":"hi"}\n\n'
    )

    assert events == [
        ServerSentEvent("session", '{"a":1}', "1"),
        ServerSentEvent("delta", '{"text":"hi"}', "2"),
    ]
    assert events[1].json() == {"text": "hi"}


def test_sse_data_lines_join_and_the_last_id_carries_over() -> None:
    events = decode("id: 7\ndata: one\ndata:two\n\ndata: three\n\n\n")

    assert events == [
        ServerSentEvent("message", "one\ntwo", "7"),
        ServerSentEvent("message", "three", "7"),
    ]


def test_chat_events_are_typed_and_unknown_ones_kept() -> None:
    delta = chat_event("delta", {"text": "x"}, "2")
    error = chat_event("error", {"error": {"code": "llm_error", "message": "down"}}, "3")
    future = chat_event("thinking", {"summary": "hmm"}, "4")

    assert isinstance(delta, DeltaEvent)
    assert delta.text == "x"
    assert isinstance(error, ErrorEvent)
    assert error.error.code == "llm_error"
    assert type(future) is ChatEvent
    assert (future.type, future.event_id, future.model_extra) == (
        "thinking",
        "4",
        {"summary": "hmm"},
    )


def request(method: str = "GET", **headers: str) -> httpx.Request:
    return httpx.Request(method, "http://gateway.test/v1/x", headers=headers)


def answer(status: int, body: object = None, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers, request=request())


@pytest.mark.parametrize(
    ("method", "headers", "resendable"),
    [
        ("GET", {}, True),
        ("HEAD", {}, True),
        ("PUT", {}, True),
        ("DELETE", {}, True),
        ("POST", {}, False),
        ("PATCH", {}, False),
        ("POST", {"Idempotency-Key": "k"}, True),
    ],
)
def test_what_may_be_sent_twice(method: str, headers: dict[str, str], resendable: bool) -> None:
    assert RetryPolicy().resendable(request(method, **headers)) is resendable


@pytest.mark.parametrize(("status", "retried"), [(429, True), (502, True), (503, True),
                                                 (504, True), (500, False), (404, False)])  # fmt: skip
def test_which_statuses_are_retried(status: int, retried: bool) -> None:
    assert RetryPolicy().retries_response(request(), answer(status, {})) is retried


def test_connection_failures_are_retried_for_any_method_other_errors_are_not() -> None:
    policy = RetryPolicy()
    post = request("POST")

    assert policy.retries_error(post, httpx.ConnectError("refused"))
    assert policy.retries_error(post, httpx.ConnectTimeout("slow"))
    assert not policy.retries_error(request(), httpx.ReadTimeout("slow"))
    assert not policy.retries_error(request(), httpx.RemoteProtocolError("cut"))


def test_backoff_grows_with_jitter_up_to_its_cap() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_max=5.0)

    for attempt, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (3, 5.0), (10, 5.0)]:
        delays = {policy.delay(attempt) for _ in range(50)}
        assert all(d is not None and ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1
    assert policy.delay(0, retry_after=7.0) == 7.0
    assert policy.delay(0, retry_after=MAX_RETRY_AFTER + 1) is None


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)

    assert retry_after_seconds(answer(429, {}, **{"Retry-After": "12"})) == 12.0
    assert 25 < (retry_after_seconds(answer(429, {}, **{"Retry-After": soon})) or 0) <= 30
    assert retry_after_seconds(answer(429, {}, **{"Retry-After": "soon"})) is None
    assert retry_after_seconds(answer(429, {})) is None


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, ValidationError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (405, GatewayError),
    ],
)
def test_each_status_is_its_error_class(status: int, error_class: type[GatewayError]) -> None:
    body = {"error": {"code": "c", "message": "m", "execution_id": "e"}}

    error = error_from_response(answer(status, body, **{"X-Request-ID": "r"}))

    assert type(error) is error_class
    assert (error.status_code, error.code, error.message) == (status, "c", "m")
    assert (error.execution_id, error.request_id) == ("e", "r")
    assert error.body == body


def test_field_paths_come_from_either_kind_of_detail() -> None:
    details = [
        {"loc": ["body", "options", "max_tokens"], "msg": "too small", "type": "greater_than"},
        {"loc": ["query", "limit"], "msg": "too big"},
        "region: 'mars' is not one of ['eu', 'us']",
        "(root): 'region' is a required property",
        "a sentence without a path",
    ]

    assert field_errors(details) == [
        FieldError("options.max_tokens", "too small", "greater_than"),
        FieldError("query.limit", "too big"),
        FieldError("region", "'mars' is not one of ['eu', 'us']"),
        FieldError("", "'region' is a required property"),
        FieldError("", "a sentence without a path"),
    ]
    assert field_errors(None) == []
