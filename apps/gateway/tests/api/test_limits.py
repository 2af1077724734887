"""Every limit on what a client sends, through HTTP: the status, the error code, and a message
naming the limit and where it is set. Rows cover the DirectRoute bodies (invoke, chat), a body
FastAPI reads itself (user config) and the query strings of the paginated routes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.domain.auth import Principal
from agent_gateway_core.domain.conversation import ConversationRecord
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.testing import ScriptedLLM, reply

from .conftest import ALICE, NewGateway

ALICE_ID = "apikey:alice"  # the user id alice's records are stored under

pytestmark = pytest.mark.integration

INVOKE = "/v1/agents/assistant/invoke"
TYPED = "/v1/agents/triage/invoke"
CHAT = "/v1/agents/assistant/chat"
CONFIG = "/v1/agents/assistant/config"  # read by FastAPI itself (not a DirectRoute)
JSON = {"Content-Type": "application/json"}
MIB = 1024 * 1024
BIG = 2**63


def nested(levels: int, leaf: Any = 1) -> Any:
    """A value nesting ``levels`` levels of arrays (``nested(2) == [[1]]``)."""
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


def nested_text(levels: int) -> str:
    """The same as text, for depths ``json.dumps`` cannot write."""
    return "[" * levels + "1" + "]" * levels


def raw(text: str | bytes) -> dict[str, Any]:
    return {"content": text if isinstance(text, bytes) else text.encode(), "headers": JSON}


async def in_chunks(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A body sent without Content-Length (chunked)."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    kwargs: dict[str, Any]
    status: int
    code: str
    names: tuple[str, ...] = ()  # each must appear in the message: the limit, its setting
    loc: list[Any] | None = None  # the location of the (first) problem, for a 422


TOO_BIG_BODY = b'{"message": "' + b"x" * MIB + b'"}'
BODY_LIMIT = ("1048576", "server.max_request_body_bytes")
DEPTH_LIMIT = ("32 levels", "server.max_json_depth")
KEYS_LIMIT = ("1001 keys", "1000", "server.max_json_object_keys")
ITEMS_LIMIT = ("10001 items", "10000", "server.max_json_array_items")
NOT_TEXT = ("lone surrogate",)
OFFSET_LIMIT = ("2147483647",)
INVALID = "request_validation_error"

# fmt: off
LIMITS: list[Case] = [
    # ---- body size (the outer middleware, before any route)
    Case("invoke: body over 1 MiB", "POST", INVOKE, raw(TOO_BIG_BODY), 413, "request_too_large", BODY_LIMIT),
    Case("chat: body over 1 MiB", "POST", CHAT, raw(TOO_BIG_BODY), 413, "request_too_large", BODY_LIMIT),
    Case("config: body over 1 MiB", "POST", CONFIG, raw(TOO_BIG_BODY), 413, "request_too_large", BODY_LIMIT),
    # ---- message length (fixed, as the existing product; OpenAPI shows maxLength)
    Case("invoke: message over 102,400", "POST", INVOKE, {"json": {"message": "x" * 102_401}}, 422, INVALID, ("102400",), ["body", "message"]),
    Case("chat: message over 102,400", "POST", CHAT, {"json": {"message": "x" * 102_401}}, 422, INVALID, ("102400",), ["body", "message"]),
    Case("typed: message over 102,400", "POST", TYPED, {"json": {"message": "x" * 102_401, "input": {"tier": "pro"}}}, 422, INVALID, ("102400",), ["body", "message"]),
    Case("chat: session id over 255", "POST", CHAT, {"json": {"message": "hi", "session_id": "s" * 256}}, 422, INVALID, ("255",), ["body", "session_id"]),
    Case("invoke: model name over 255", "POST", INVOKE, {"json": {"message": "hi", "options": {"model": "m" * 256}}}, 422, INVALID, ("255",), ["body", "options", "model"]),
    # ---- JSON nesting
    Case("invoke: input 33 levels deep", "POST", INVOKE, {"json": {"message": "hi", "input": {"a": nested(32)}}}, 422, INVALID, DEPTH_LIMIT, ["body"]),
    Case("invoke: input 300 levels deep", "POST", INVOKE, raw('{"message": "hi", "input": {"a": ' + nested_text(299) + "}}"), 422, INVALID, DEPTH_LIMIT, ["body"]),
    Case("invoke: input 1,100 levels deep", "POST", INVOKE, raw('{"message": "hi", "input": {"a": ' + nested_text(1_100) + "}}"), 422, INVALID, DEPTH_LIMIT, ["body"]),
    Case("invoke: 400,000 levels, unclosed", "POST", INVOKE, raw('{"message": "hi", "input": ' + "[" * 400_000), 422, INVALID, DEPTH_LIMIT, ["body"]),
    Case("invoke: options 33 levels deep", "POST", INVOKE, {"json": {"message": "hi", "options": {"output_schema": {"type": "object", "default": nested(31)}}}}, 422, INVALID, DEPTH_LIMIT, ["body"]),
    Case("typed: input 1,100 levels deep", "POST", TYPED, raw('{"message": "hi", "input": {"tier": ' + nested_text(1_100) + "}}"), 422, INVALID, DEPTH_LIMIT, ["body"]),
    Case("chat: input 33 levels deep", "POST", CHAT, {"json": {"message": "hi", "input": {"a": nested(32)}}}, 422, INVALID, DEPTH_LIMIT, ["body"]),
    Case("chat: 1,100 levels deep", "POST", CHAT, raw('{"message": "hi", "input": ' + nested_text(1_100) + "}"), 422, INVALID, DEPTH_LIMIT, ["body"]),
    Case("config: value 33 levels deep", "POST", CONFIG, {"json": {"region": nested(33)}}, 422, INVALID, DEPTH_LIMIT, ["body"]),
    Case("config: 1,100 levels deep", "POST", CONFIG, raw('{"region": ' + nested_text(1_100) + "}"), 422, INVALID, DEPTH_LIMIT, ["body"]),
    # ---- keys of one object, items of one array
    Case("invoke: object of 1,001 keys", "POST", INVOKE, {"json": {"message": "hi", "input": {f"k{i}": i for i in range(1_001)}}}, 422, INVALID, KEYS_LIMIT, ["body", "input"]),
    Case("invoke: array of 10,001 items", "POST", INVOKE, {"json": {"message": "hi", "input": {"a": [0] * 10_001}}}, 422, INVALID, ITEMS_LIMIT, ["body", "input", "a"]),
    Case("chat: array of 10,001 items", "POST", CHAT, {"json": {"message": "hi", "input": {"a": {"b": [0] * 10_001}}}}, 422, INVALID, ITEMS_LIMIT, ["body", "input", "a", "b"]),
    Case("config: object of 1,001 keys", "POST", CONFIG, {"json": {f"k{i}": i for i in range(1_001)}}, 422, INVALID, KEYS_LIMIT, ["body"]),
    # ---- strings that are not Unicode text
    Case("invoke: lone surrogate escape in message", "POST", INVOKE, raw('{"message": "a\\ud800b"}'), 422, INVALID, NOT_TEXT, ["body", "message"]),
    Case("invoke: lone surrogate as bytes in message", "POST", INVOKE, raw(b'{"message": "\xed\xa0\x80"}'), 422, INVALID, NOT_TEXT, ["body", "message"]),
    Case("invoke: lone low surrogate in input", "POST", INVOKE, raw('{"message": "hi", "input": {"a": ["\\udfff"]}}'), 422, INVALID, NOT_TEXT, ["body", "input", "a", 0]),
    Case("invoke: lone surrogate in an input key", "POST", INVOKE, raw('{"message": "hi", "input": {"\\ud800": 1}}'), 422, INVALID, NOT_TEXT, ["body", "input", "\ufffd"]),
    Case("invoke: lone surrogate in an unknown field", "POST", INVOKE, raw('{"message": "hi", "\\ud800": 1}'), 422, INVALID, NOT_TEXT, ["body", "\ufffd"]),
    Case("invoke: lone surrogate in the model", "POST", INVOKE, raw('{"message": "hi", "options": {"model": "\\udbff"}}'), 422, INVALID, NOT_TEXT, ["body", "options", "model"]),
    Case("chat: lone surrogate in session id", "POST", CHAT, raw('{"message": "hi", "session_id": "\\ud800"}'), 422, INVALID, NOT_TEXT, ["body", "session_id"]),
    Case("config: lone surrogate in a value", "POST", CONFIG, raw('{"region": "\\ud800"}'), 422, INVALID, NOT_TEXT, ["body", "region"]),
    Case("invoke: lone surrogate in a UTF-16 body", "POST", INVOKE, raw('{"message": "\ud800"}'.encode("utf-16", "surrogatepass")), 422, INVALID, NOT_TEXT, ["body", "message"]),
    Case("config: UTF-32 body 1,100 levels deep", "POST", CONFIG, raw(('{"region": ' + nested_text(1_100) + "}").encode("utf-32")), 422, INVALID, DEPTH_LIMIT, ["body"]),
    # ---- pagination: limit at most 200 (messages 500), offset and after at most 2^31-1
    Case("executions: offset 2^63", "GET", f"/v1/executions?offset={BIG}", {}, 422, INVALID, OFFSET_LIMIT, ["query", "offset"]),
    Case("executions: offset 2^31", "GET", "/v1/executions?offset=2147483648", {}, 422, INVALID, OFFSET_LIMIT, ["query", "offset"]),
    Case("executions: limit 2^63", "GET", f"/v1/executions?limit={BIG}", {}, 422, INVALID, ("200",), ["query", "limit"]),
    Case("events: after 2^63", "GET", f"/v1/executions/x/events?after={BIG}", {}, 422, INVALID, OFFSET_LIMIT, ["query", "after"]),
    Case("conversations: offset 2^63", "GET", f"/v1/users/me/conversations?offset={BIG}", {}, 422, INVALID, OFFSET_LIMIT, ["query", "offset"]),
    Case("conversations: limit 1,001", "GET", "/v1/users/me/conversations?limit=1001", {}, 422, INVALID, ("200",), ["query", "limit"]),
    Case("messages: offset 2^63", "GET", f"/v1/users/me/conversations/x/messages?offset={BIG}", {}, 422, INVALID, OFFSET_LIMIT, ["query", "offset"]),
    Case("messages: limit 501", "GET", "/v1/users/me/conversations/x/messages?limit=501", {}, 422, INVALID, ("500",), ["query", "limit"]),
    Case("sessions: limit 2^63", "GET", f"/v1/sessions?limit={BIG}", {}, 422, INVALID, ("200",), ["query", "limit"]),
]
# fmt: on


async def refused_by_name(client: httpx.AsyncClient, case: Case) -> dict[str, Any]:
    """Send ``case``; its answer is the status and error code it expects, the message names
    each of ``case.names``, and the first detail points at ``case.loc``. Returns the error."""
    response = await client.request(case.method, case.path, **case.kwargs)

    assert response.status_code == case.status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == case.code
    for name in case.names:
        assert name in error["message"], (name, error["message"])
    if case.loc is not None:
        assert error["details"][0]["loc"] == case.loc
    return error


@pytest.mark.parametrize("case", LIMITS, ids=[c.name for c in LIMITS])
async def test_each_limit_is_a_4xx_naming_the_limit_and_its_setting(
    client: httpx.AsyncClient, case: Case
) -> None:
    error = await refused_by_name(client, case)
    if case.loc is not None:
        assert all(name in error["details"][0]["msg"] for name in case.names)


async def test_a_body_over_the_limit_without_content_length_is_413_as_it_arrives(
    client: httpx.AsyncClient,
) -> None:
    for path in (INVOKE, CHAT, CONFIG):
        response = await client.post(path, content=in_chunks(TOO_BIG_BODY), headers=JSON)

        assert "content-length" not in response.request.headers
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "request_too_large"
        assert all(name in response.json()["error"]["message"] for name in BODY_LIMIT)


async def test_a_413_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.post(INVOKE, **raw(TOO_BIG_BODY))

    assert response.status_code == 413
    assert response.headers["x-content-type-options"] == "nosniff"


# fmt: off
STRICT: list[Case] = [
    Case("invoke: async 0", "POST", INVOKE, {"json": {"message": "hi", "async": 0}}, 422, INVALID, ("valid boolean",), ["body", "async"]),
    Case("invoke: async 'true'", "POST", INVOKE, {"json": {"message": "hi", "async": "true"}}, 422, INVALID, ("valid boolean",), ["body", "async"]),
    Case("chat: stream 1", "POST", CHAT, {"json": {"message": "hi", "stream": 1}}, 422, INVALID, ("valid boolean",), ["body", "stream"]),
    Case("invoke: max_tokens true", "POST", INVOKE, {"json": {"message": "hi", "options": {"max_tokens": True}}}, 422, INVALID, ("valid integer",), ["body", "options", "max_tokens"]),
    Case("invoke: max_tokens 5.0", "POST", INVOKE, {"json": {"message": "hi", "options": {"max_tokens": 5.0}}}, 422, INVALID, ("valid integer",), ["body", "options", "max_tokens"]),
    Case("invoke: timeout_ms '50'", "POST", INVOKE, {"json": {"message": "hi", "options": {"timeout_ms": "50"}}}, 422, INVALID, ("valid integer",), ["body", "options", "timeout_ms"]),
    Case("invoke: temperature '0.5'", "POST", INVOKE, {"json": {"message": "hi", "options": {"temperature": "0.5"}}}, 422, INVALID, ("valid number",), ["body", "options", "temperature"]),
    Case("executions: limit 5.0", "GET", "/v1/executions?limit=5.0", {}, 422, INVALID, ("digits",), ["query", "limit"]),
    Case("executions: offset ' 5'", "GET", "/v1/executions?offset=%205", {}, 422, INVALID, ("digits",), ["query", "offset"]),
    Case("executions: offset 5_000", "GET", "/v1/executions?offset=5_000", {}, 422, INVALID, ("digits",), ["query", "offset"]),
    Case("executions: since 0.5", "GET", "/v1/executions?since=0.5", {}, 422, INVALID, ("ISO 8601", "bare number"), ["query", "since"]),
    Case("executions: since 1700000000", "GET", "/v1/executions?since=1700000000", {}, 422, INVALID, ("ISO 8601",), ["query", "since"]),
    Case("executions: since out of range in UTC", "GET", "/v1/executions?since=0001-01-01T00:00:00%2B14:00", {}, 422, INVALID, ("out of range",), ["query", "since"]),
    Case("invoke: not UTF-8", "POST", INVOKE, raw(b'{"message": "\xff"}'), 400, "http_400"),
    Case("config: not UTF-8", "POST", CONFIG, raw(b'{"region": "\xff"}'), 400, "http_400"),
]
# fmt: on


@pytest.mark.parametrize("case", STRICT, ids=[c.name for c in STRICT])
async def test_strict_types_and_encodings_are_refused_by_name(
    client: httpx.AsyncClient, case: Case
) -> None:
    await refused_by_name(client, case)


async def test_values_at_each_limit_are_accepted(client: httpx.AsyncClient) -> None:
    at_the_limits = {
        "message": "é" * 102_400,
        "input": {
            "deep": nested(31),  # with "input" itself: 32 levels
            "keys": {f"k{i}": i for i in range(1_000)},
            "items": list(range(10_000)),
            "emoji": "😀 is sent as a pair of surrogate escapes: one character",
        },
    }
    body = json.dumps(at_the_limits).encode()  # escapes the emoji as a surrogate pair
    assert len(body) < MIB

    invoked = await client.post(INVOKE, **raw(body))
    chatted = await client.post(CHAT, json={**at_the_limits, "stream": False})
    since = await client.get("/v1/executions", params={"since": "2024-05-01T12:00:00+02:00"})
    paged = await client.get("/v1/executions", params={"limit": 200, "offset": 2**31 - 1})

    assert invoked.status_code == 200, invoked.text
    assert chatted.status_code == 200, chatted.text
    assert since.status_code == 200
    assert paged.json()["items"] == []
    stored = (await client.get(f"/v1/executions/{invoked.json()['execution_id']}")).json()
    assert stored["input"]["emoji"].startswith("😀")


async def test_lone_surrogates_cannot_come_in_through_headers_query_or_path(
    client: httpx.AsyncClient,
) -> None:
    # Starlette decodes the query and path as UTF-8 with U+FFFD for what is not, and headers
    # as Latin-1: nothing here reaches the gateway as a lone surrogate, and nothing is a 5xx.
    keyed = await client.post(
        INVOKE, json={"message": "hi"}, headers={"Idempotency-Key": b"k\xed\xa0\x80"}
    )
    filtered = await client.get("/v1/executions?agent_id=%ED%A0%80")
    session = await client.get("/v1/sessions/%ED%A0%80")
    execution = await client.get("/v1/executions/%ED%A0%80")

    assert keyed.status_code == 200
    assert filtered.status_code == 200
    assert session.status_code == execution.status_code == 404
    assert "\ufffd" in session.json()["error"]["message"]


# ---------------------------------------------------------------- configured limits


@pytest.fixture
async def strict_client(
    new_gateway: NewGateway, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway whose limits are set lower by environment variables (as gateway.yaml would)."""
    for setting, value in {
        "MAX_REQUEST_BODY_BYTES": "2048",
        "MAX_JSON_DEPTH": "3",
        "MAX_JSON_OBJECT_KEYS": "5",
        "MAX_JSON_ARRAY_ITEMS": "4",
    }.items():
        monkeypatch.setenv(f"AGENT_GATEWAY_SERVER__{setting}", value)
    async with new_gateway() as gw:
        transport = httpx.ASGITransport(app=gw)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://gateway", headers=ALICE
        ) as http:
            yield http


# fmt: off
CONFIGURED: list[tuple[str, str, dict[str, Any], int, tuple[str, ...]]] = [
    ("body", INVOKE, raw(b'{"message": "' + b"x" * 2048 + b'"}'), 413, ("2048", "server.max_request_body_bytes")),
    ("depth", INVOKE, {"json": {"message": "hi", "input": {"a": [[[1]]]}}}, 422, ("3 levels", "server.max_json_depth")),
    ("depth, FastAPI's body", CONFIG, {"json": {"region": [[[[1]]]]}}, 422, ("3 levels", "server.max_json_depth")),
    ("keys", CHAT, {"json": {"message": "hi", "input": dict.fromkeys("abcdef", 1)}}, 422, ("6 keys", "server.max_json_object_keys")),
    ("items", INVOKE, {"json": {"message": "hi", "input": {"a": [1, 2, 3, 4, 5]}}}, 422, ("5 items", "server.max_json_array_items")),
]
# fmt: on


@pytest.mark.parametrize(
    ("path", "kwargs", "status", "names"),
    [row[1:] for row in CONFIGURED],
    ids=[row[0] for row in CONFIGURED],
)
async def test_configured_limits_apply_and_are_named(
    strict_client: httpx.AsyncClient,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    names: tuple[str, ...],
) -> None:
    response = await strict_client.post(path, **kwargs)

    assert response.status_code == status, response.text
    assert all(name in response.json()["error"]["message"] for name in names)


async def test_within_configured_limits_is_accepted(strict_client: httpx.AsyncClient) -> None:
    body = {"message": "hi", "input": {"a": [1, 2, 3, 4], "b": {"c": [1]}}}  # 3 levels

    response = await strict_client.post(INVOKE, json=body)

    assert response.status_code == 200, response.text


# ---------------------------------------------------------------- structured output


async def test_a_structured_answer_nested_too_deep_fails_the_execution_readably(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    deep_answer = json.dumps({"category": "bug", "urgent": True, "trace": nested(40)})
    model.push(reply(deep_answer), reply(deep_answer))  # the answer, then the repair attempt

    response = await client.post(TYPED, json={"message": "It crashes", "input": {"tier": "pro"}})

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "output_validation_error"
    assert "32 levels" in error["message"]
    assert "guardrails.max_output_depth" in error["message"]
    stored = await client.get(f"/v1/executions/{error['execution_id']}")
    assert stored.status_code == 200
    assert stored.json()["status"] == "failed"
    assert stored.json()["result"] is None


async def test_a_model_answer_nested_past_the_parsers_recursion_fails_cleanly(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    deep_answer = nested_text(5_000)
    model.push(reply(deep_answer), reply(deep_answer))

    response = await client.post(TYPED, json={"message": "It crashes", "input": {"tier": "pro"}})

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "output_validation_error"


# ---------------------------------------------------------------- records stored before the limits

TOO_DEEP_TO_SERIALIZE = 300  # pydantic refuses to serialize past about 250 levels


async def test_records_stored_before_the_limits_are_readable(
    gateway: Gateway, client: httpx.AsyncClient
) -> None:
    services = gateway.services
    assert services is not None
    now = datetime.now(UTC)
    deep = {"a": nested(TOO_DEEP_TO_SERIALIZE)}
    await services.persistence.executions.create(
        ExecutionRecord(
            id="old-deep",
            agent_id="assistant",
            status=ExecutionStatus.SUCCEEDED,
            message="lone \ud800 surrogate",
            input=deep,
            result=deep,
            user_id=ALICE_ID,
            created_at=now,
        )
    )
    await services.persistence.conversations.upsert(
        ConversationRecord(
            id="sess_old",
            agent_id="assistant",
            user_id=ALICE_ID,
            metadata=deep,
            title="\udfff",
            created_at=now,
            updated_at=now,
        )
    )

    one = await client.get("/v1/executions/old-deep")
    page = await client.get("/v1/executions")
    conversations = await client.get("/v1/users/me/conversations")

    assert one.status_code == page.status_code == conversations.status_code == 200
    record = one.json()
    assert record["message"] == "lone \ufffd surrogate"
    assert json.dumps(record["input"]).count("[") < TOO_DEEP_TO_SERIALIZE
    assert "[nested too deep to show]" in json.dumps(record["input"])
    assert page.json()["items"][0]["id"] == "old-deep"
    [conversation] = conversations.json()["items"]
    assert conversation["title"] == "\ufffd"
    assert "[nested too deep to show]" in json.dumps(conversation["metadata"])


async def test_a_session_holding_a_value_from_before_the_limits_is_readable(
    gateway: Gateway, client: httpx.AsyncClient
) -> None:
    chat = await client.post(CHAT, json={"message": "hi"})
    session_id = chat.json()["session_id"]
    # Through the Python API (no HTTP limits), as an older release took it over HTTP too.
    old = {"old": nested(TOO_DEEP_TO_SERIALIZE)}
    await gateway.chat("assistant", "again", session_id, old, auth=Principal(subject=ALICE_ID))

    one = await client.get(f"/v1/sessions/{session_id}")
    listed = await client.get("/v1/sessions")

    assert one.status_code == listed.status_code == 200
    assert "[nested too deep to show]" in json.dumps(one.json()["metadata"])
