"""The invoke and chat routes skip FastAPI's request handling (DirectRoute); they must answer exactly as
FastAPI itself would for the same endpoint: same status, same error body, for every bad request.

The reference is a bare FastAPI app serving the very endpoints that document those routes,
with FastAPI's own request handling (in the route class the gateway's other routes use, which
holds bodies to the request limits), the gateway's error handlers and the same services.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI

from agent_gateway import Gateway
from agent_gateway.api.deps import get_principal
from agent_gateway.api.direct import DirectRoute
from agent_gateway.api.errors import install_error_handlers
from agent_gateway.api.limits import LimitedRoute
from agent_gateway.api.routes.agents import INVOKE_PATH
from agent_gateway.api.routes.chat import CHAT_PATH

from .conftest import ALICE

pytestmark = pytest.mark.integration

JSON = {"Content-Type": "application/json"}
TYPED = "/v1/agents/triage/invoke"
GENERIC = "/v1/agents/assistant/invoke"
CHAT = "/v1/agents/assistant/chat"


@pytest.fixture
async def reference(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    """The same endpoints, served by FastAPI's own request handling."""
    app = FastAPI()
    install_error_handlers(app)
    app.state.services = gateway.state.services
    direct = [r for r in gateway.router.routes if isinstance(r, DirectRoute)]
    assert {r.path for r in direct} >= {INVOKE_PATH, TYPED, CHAT_PATH}
    for route in direct:  # typed routes first, as in the gateway
        app.router.routes.append(
            LimitedRoute(
                route.path,
                route.endpoint,
                methods=["POST"],
                dependencies=[Depends(get_principal)],
            )
        )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://reference", headers=ALICE, timeout=30
    ) as http:
        yield http


def nested(levels: int, leaf: Any = 1) -> Any:
    return leaf if levels == 0 else [nested(levels - 1, leaf)]


def nested_text(levels: int) -> bytes:
    return b"[" * levels + b"1" + b"]" * levels


def raw(content: bytes) -> dict[str, Any]:
    return {"content": content, "headers": JSON}


# fmt: off
BAD_REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("no body", GENERIC, {"headers": JSON}),
    ("empty object", GENERIC, {"json": {}}),
    ("misspelt field", GENERIC, {"json": {"mesage": "hi"}}),
    ("wrong type", GENERIC, {"json": {"message": 5}}),
    ("not an object", GENERIC, {"json": ["hi"]}),
    ("malformed JSON", GENERIC, {"content": b'{"message": ', "headers": JSON}),
    (
        "NaN",
        GENERIC,
        {"content": b'{"message": "hi", "options": {"temperature": NaN}}', "headers": JSON},
    ),
    ("duplicate key", GENERIC, {"content": b'{"message": 1, "message": []}', "headers": JSON}),
    ("not UTF-8", GENERIC, {"content": b'{"message": "\xff"}', "headers": JSON}),
    ("no content type", GENERIC, {"content": b'{"message": "hi"}'}),
    (
        "text/plain",
        GENERIC,
        {"content": b'{"message": "hi"}', "headers": {"Content-Type": "text/plain"}},
    ),
    ("bad option", GENERIC, {"json": {"message": "hi", "options": {"temperature": "hot"}}}),
    (
        "key too long",
        GENERIC,
        {"json": {"message": "hi"}, "headers": {"Idempotency-Key": "k" * 256}},
    ),
    ("key empty", GENERIC, {"json": {"message": "hi"}, "headers": {"Idempotency-Key": ""}}),
    ("key and body bad", GENERIC, {"json": {}, "headers": {"Idempotency-Key": "k" * 256}}),
    ("no credentials", GENERIC, {"json": {"mesage": "hi"}, "headers": {"Authorization": ""}}),
    (
        "wrong key",
        GENERIC,
        {"json": {"message": "hi"}, "headers": {"Authorization": "Bearer sk-nope"}},
    ),
    ("bad scheme", GENERIC, {"json": {"message": "hi"}, "headers": {"Authorization": "Basic x"}}),
    ("unknown agent", "/v1/agents/nobody/invoke", {"json": {"message": "hi"}}),
    ("disabled agent", "/v1/agents/dormant/invoke", {"json": {"message": "hi"}}),
    ("typed: input missing", TYPED, {"json": {"message": "hi"}}),
    ("typed: enum", TYPED, {"json": {"message": "hi", "input": {"tier": "gold"}}}),
    ("typed: minimum", TYPED, {"json": {"message": "hi", "input": {"tier": "pro", "seats": 0}}}),
    ("typed: malformed", TYPED, {"content": b"{", "headers": JSON}),
    ("chat: no body", CHAT, {"headers": JSON}),
    ("chat: misspelt field", CHAT, {"json": {"mesage": "hi"}}),
    ("chat: session id not a string", CHAT, {"json": {"message": "hi", "session_id": 7}}),
    ("chat: stream not a boolean", CHAT, {"json": {"message": "hi", "stream": "maybe"}}),
    ("chat: malformed", CHAT, {"content": b'{"message"', "headers": JSON}),
    (
        "chat: text/plain",
        CHAT,
        {"content": b'{"message": "hi"}', "headers": {"Content-Type": "text/plain"}},
    ),
    ("chat: no credentials", CHAT, {"json": {"message": "hi"}, "headers": {"Authorization": ""}}),
    ("chat: unknown agent", "/v1/agents/nobody/chat", {"json": {"message": "hi"}}),
    ("chat: unknown session", CHAT, {"json": {"message": "hi", "session_id": "sess_000000000000"}}),
    (
        "chat: streamed, unknown agent",
        "/v1/agents/nobody/chat",
        {"json": {"message": "hi", "stream": True}},
    ),
    # Limits and strict types: the same answers whichever way the body is read.
    ("message too long", GENERIC, {"json": {"message": "x" * 102_401}}),
    ("async 0", GENERIC, {"json": {"message": "hi", "async": 0}}),
    ("max_tokens true", GENERIC, {"json": {"message": "hi", "options": {"max_tokens": True}}}),
    ("temperature as text", GENERIC, {"json": {"message": "hi", "options": {"temperature": "1"}}}),
    ("input 33 deep", GENERIC, {"json": {"message": "hi", "input": {"a": nested(32)}}}),
    ("input 1,100 deep", GENERIC, raw(b'{"message": "hi", "input": {"a": ' + nested_text(1_100) + b"}}")),
    ("unclosed, 5,000 deep", GENERIC, raw(b'{"input": ' + b"[" * 5_000)),
    ("1,001 keys", GENERIC, {"json": {"message": "hi", "input": {str(i): i for i in range(1_001)}}}),
    ("10,001 items", GENERIC, {"json": {"message": "hi", "input": {"a": [1] * 10_001}}}),
    ("surrogate escape", GENERIC, raw(b'{"message": "\\ud800"}')),
    ("surrogate bytes", GENERIC, raw(b'{"message": "\xed\xb0\x80"}')),
    ("surrogate key", GENERIC, raw(b'{"message": "hi", "\\udc00": 1}')),
    ("typed: surrogate in input", TYPED, raw(b'{"message": "hi", "input": {"tier": "\\ud800"}}')),
    ("typed: input 40 deep", TYPED, {"json": {"message": "hi", "input": {"tier": nested(40, "pro")}}}),
    ("chat: stream 1", CHAT, {"json": {"message": "hi", "stream": 1}}),
    ("chat: session id too long", CHAT, {"json": {"message": "hi", "session_id": "s" * 256}}),
    ("chat: surrogate session id", CHAT, raw(b'{"message": "hi", "session_id": "\\ud800"}')),
    ("chat: 1,100 deep", CHAT, raw(b'{"message": "hi", "input": ' + nested_text(1_100) + b"}")),
]
# fmt: on


@pytest.mark.parametrize(
    ("path", "request_args"),
    [(path, args) for _, path, args in BAD_REQUESTS],
    ids=[name for name, _, _ in BAD_REQUESTS],
)
async def test_a_bad_request_gets_the_answer_fastapi_would_give(
    client: httpx.AsyncClient,
    reference: httpx.AsyncClient,
    path: str,
    request_args: dict[str, Any],
) -> None:
    expected = await reference.post(path, **request_args)
    answered = await client.post(path, **request_args)

    assert expected.status_code >= 400  # the case is a bad request
    assert (answered.status_code, answered.json()) == (expected.status_code, expected.json())
    assert answered.headers["content-type"] == expected.headers["content-type"]
