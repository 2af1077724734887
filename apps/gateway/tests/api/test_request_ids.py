"""X-Request-ID: on every answer, the client's when usable, and in the log of a failed request."""

from __future__ import annotations

import logging
import re

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.testing import ScriptedLLM, ScriptedReply

from .conftest import NewGateway

pytestmark = pytest.mark.integration

GENERATED = re.compile(r"^[0-9a-f]{32}$")


def client_of(gateway: Gateway, **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=gateway, raise_app_exceptions=False),
        base_url="http://gateway",
        headers={"Authorization": "Bearer sk-alice", **headers},
    )


async def test_every_kind_of_answer_carries_a_request_id(
    client: httpx.AsyncClient, model: ScriptedLLM
) -> None:
    model.push(ScriptedReply(status=500))
    answers = {
        "ok": await client.get("/v1/agents"),
        "not modified": await client.get("/v1/agents", headers={"If-None-Match": "*"}),
        "unknown route": await client.get("/v1/nothing"),
        "no credential": await client.get("/v1/agents", headers={"Authorization": ""}),
        "invalid body": await client.post("/v1/agents/assistant/invoke", json={}),
        "too large": await client.post(
            "/v1/agents/assistant/invoke",
            content=b"x" * 2_000_000,
            headers={"Content-Type": "application/json"},
        ),
        "model failed": await client.post("/v1/agents/assistant/invoke", json={"message": "hi"}),
        "stream": await client.post(
            "/v1/agents/assistant/chat", json={"message": "hi", "stream": True}
        ),
        "health": await client.get("/v1/health"),
    }

    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {
        "ok": 200,
        "not modified": 304,
        "unknown route": 404,
        "no credential": 401,
        "invalid body": 422,
        "too large": 413,
        "model failed": 502,
        "stream": 200,
        "health": 200,
    }
    ids = [answer.headers["X-Request-ID"] for answer in answers.values()]
    assert all(GENERATED.match(request_id) for request_id in ids)
    assert len(set(ids)) == len(ids)  # one per request


@pytest.mark.parametrize(
    "request_id",
    ["req-123", "a" * 128, "01HZX3J6Q8W4:trace/span=7~"],
    ids=["simple", "128-chars", "punctuation"],
)
async def test_a_usable_client_id_is_echoed(client: httpx.AsyncClient, request_id: str) -> None:
    ok = await client.get("/v1/agents", headers={"X-Request-ID": request_id})
    failed = await client.get("/v1/agents/nobody", headers={"X-Request-ID": request_id})

    assert ok.headers["X-Request-ID"] == failed.headers["X-Request-ID"] == request_id


@pytest.mark.parametrize(
    "request_id",
    ["a" * 129, "two words", "tab\there", "caf\u00e9".encode()],
    ids=["129-chars", "space", "control", "not-ascii"],
)
async def test_an_unusable_client_id_is_replaced(
    client: httpx.AsyncClient, request_id: str | bytes
) -> None:
    response = await client.get("/v1/agents", headers={"X-Request-ID": request_id})

    assert response.status_code == 200
    assert GENERATED.match(response.headers["X-Request-ID"])


async def test_a_gateway_not_started_answers_with_one_too(new_gateway: NewGateway) -> None:
    async with client_of(new_gateway(), **{"X-Request-ID": "early"}) as client:
        response = await client.get("/v1/agents")

    assert response.status_code == 500  # "the gateway is not started"
    assert response.headers["X-Request-ID"] == "early"


async def test_an_unexpected_error_is_logged_with_the_request_id(
    new_gateway: NewGateway, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = new_gateway()

    @gateway.get("/boom")
    async def boom() -> None:
        raise RuntimeError("kaput")

    async with gateway, client_of(gateway, **{"X-Request-ID": "req-boom"}) as client:
        with caplog.at_level(logging.ERROR, logger="agent_gateway"):
            response = await client.get("/boom")

    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-boom"
    assert response.json()["error"]["code"] == "internal_error"
    logged = [r for r in caplog.records if "unhandled error" in r.getMessage()]
    assert logged
    assert "[request req-boom]" in logged[0].getMessage()


async def test_a_failing_store_is_logged_with_the_request_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = client._transport.app.services.persistence.executions  # type: ignore[attr-defined]

    async def unavailable(*_: object, **__: object) -> None:
        raise BackendUnavailableError("the database at db.internal is down")

    monkeypatch.setattr(store, "query", unavailable)
    with caplog.at_level(logging.WARNING, logger="agent_gateway"):
        response = await client.get("/v1/executions", headers={"X-Request-ID": "req-db"})

    assert response.status_code == 503
    assert response.headers["X-Request-ID"] == "req-db"
    messages = [r.getMessage() for r in caplog.records]
    assert any("backend unavailable" in m and "[request req-db]" in m for m in messages)


async def test_a_failed_invoke_is_logged_with_the_request_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = client._transport.app.services.persistence.executions  # type: ignore[attr-defined]

    async def unavailable(*_: object, **__: object) -> None:
        raise BackendUnavailableError("the database at db.internal is down")

    monkeypatch.setattr(store, "create", unavailable)
    with caplog.at_level(logging.WARNING, logger="agent_gateway"):
        response = await client.post(
            "/v1/agents/assistant/invoke",
            json={"message": "hi"},
            headers={"X-Request-ID": "req-invoke"},
        )

    assert response.status_code == 503
    assert response.headers["X-Request-ID"] == "req-invoke"
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(
        "invoke of 'assistant' failed" in m and "[request req-invoke]" in m for m in failures
    )
