"""The pipeline every call takes: retries, backoff and Retry-After, hooks, middleware, the
escape hatch and error mapping; against a scripted HTTP server on 127.0.0.1, both clients."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from agent_gateway_client import (
    GatewayError,
    GatewayTimeoutError,
    NotFoundError,
    RateLimitError,
    ServerError,
)

from ._flavours import Both
from ._scripted_server import Answer, ScriptedServer
from .conftest import MakeClient

pytestmark = pytest.mark.integration

ERROR = {"error": {"code": "unavailable", "message": "try later"}}


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer().running_in_thread() as running:
        yield running


@pytest.fixture
def client_of(server: ScriptedServer, make_client: MakeClient) -> Callable[..., Both]:
    def make(**settings: Any) -> Both:
        return make_client(base_url=server.url, api_key="sk-test", **settings)

    return make


async def test_an_idempotent_request_is_retried_until_it_succeeds(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    server.script(Answer(503, ERROR), Answer(502, ERROR), Answer(200, [{"id": "a"}]))

    page = await client_of().agents.list()

    assert [agent.id for agent in page] == ["a"]
    assert len(server.received) == 3
    ids = {r.headers["X-Request-ID"] for r in server.received}
    assert len(ids) == 1  # one call, one id, whatever the attempts


async def test_retries_stop_at_max_retries_with_the_last_error(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    server.script(*[Answer(503, ERROR)] * 5)

    with pytest.raises(ServerError) as caught:
        await client_of(max_retries=2).agents.list()

    assert caught.value.status_code == 503
    assert caught.value.code == "unavailable"
    assert len(server.received) == 3


async def test_retry_after_is_honoured(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    server.script(Answer(429, ERROR, {"Retry-After": "0.4"}), Answer(200, []))

    started = time.monotonic()
    await client_of().agents.list()

    assert time.monotonic() - started >= 0.4
    assert len(server.received) == 2


async def test_a_retry_after_past_the_cap_is_raised_at_once(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    server.script(Answer(429, ERROR, {"Retry-After": "3600"}))

    with pytest.raises(RateLimitError) as caught:
        await client_of().agents.list()

    assert caught.value.retry_after == 3600
    assert len(server.received) == 1


async def test_a_post_is_retried_only_with_an_idempotency_key(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    client = client_of()
    invoked = {"execution_id": "e1", "status": "succeeded"}
    server.script(Answer(503, ERROR))

    with pytest.raises(ServerError):
        await client.agents.invoke("a", "no key")
    assert len(server.received) == 1

    server.script(Answer(503, ERROR), Answer(200, invoked))
    result = await client.agents.invoke("a", "keyed", idempotency_key="k-1")

    assert result.execution_id == "e1"
    assert [r.headers.get("Idempotency-Key") for r in server.received[1:]] == ["k-1", "k-1"]
    assert server.received[1].body == server.received[2].body


async def test_an_execution_outcome_is_not_retried(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    failed = {"error": {"code": "llm_error", "message": "model down", "execution_id": "e9"}}
    server.script(Answer(502, failed), Answer(200, {}))

    with pytest.raises(ServerError) as caught:
        await client_of().agents.invoke("a", "x", idempotency_key="k-2")

    assert caught.value.execution_id == "e9"
    assert len(server.received) == 1


async def test_other_client_errors_are_never_retried(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    server.script(Answer(404, {"error": {"code": "agent_not_found", "message": "no"}}))

    with pytest.raises(NotFoundError):
        await client_of().agents.get("x")
    assert len(server.received) == 1


async def test_a_slow_answer_times_out_on_read(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    server.script(Answer(200, [], delay_seconds=1.0))

    with pytest.raises(GatewayTimeoutError) as caught:
        await client_of(read_timeout=0.2, max_retries=3).agents.list()

    assert "read timeout" in caught.value.message
    assert len(server.received) == 1  # the request was sent: a read timeout is not retried


async def test_headers_user_agent_and_request_hooks_reach_the_server(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    client = client_of(user_agent="nightly-job/1.0", headers={"X-Team": "data"})
    await client.add_request_hook(lambda request: request.headers.update({"X-Hooked": "yes"}))
    server.script(Answer(200, []))

    await client.agents.list()

    headers = server.received[0].headers
    assert headers["User-Agent"] == "nightly-job/1.0"
    assert headers["X-Team"] == "data"
    assert headers["X-Hooked"] == "yes"
    assert headers["Authorization"] == "Bearer sk-test"


async def test_the_escape_hatch_goes_through_the_same_pipeline(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    client = client_of()
    server.script(Answer(503, ERROR), Answer(200, {"anything": 1}))

    response = await client.request(
        "PUT", "/v1/custom", params={"x": 1, "skip": None}, json={"a": 1}
    )

    assert isinstance(response, httpx.Response)
    assert response.json() == {"anything": 1}
    assert [r.path for r in server.received] == ["/v1/custom?x=1"] * 2
    assert json.loads(server.received[1].body) == {"a": 1}
    server.script(Answer(404, {"error": {"code": "nope", "message": "gone"}}))
    with pytest.raises(NotFoundError):
        await client.request("GET", "/v1/missing")


async def test_an_explicit_authorization_header_is_kept(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    await client_of().request("GET", "/v1/x", headers={"Authorization": "Bearer other"})

    assert server.received[0].headers["Authorization"] == "Bearer other"


async def test_the_streaming_escape_hatch_yields_the_unread_answer(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    client = client_of()
    server.script(Answer(200, "line one\nline two\n"))

    async with client.stream("GET", "/v1/lines") as response:
        lines = (
            list(response.iter_lines())
            if isinstance(response.stream, httpx.SyncByteStream)
            else [line async for line in response.aiter_lines()]
        )

    assert lines == ["line one", "line two"]
    server.script(Answer(404, {"error": {"code": "nope", "message": "gone"}}))
    with pytest.raises(NotFoundError):
        async with client.stream("GET", "/v1/missing"):
            pytest.fail("an error status is raised before the body")


async def test_a_non_json_error_is_a_gateway_error_with_its_text(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    server.script(Answer(418, "I'm a teapot"))

    with pytest.raises(GatewayError) as caught:
        await client_of().request("GET", "/v1/tea")

    assert type(caught.value) is GatewayError
    assert (caught.value.status_code, caught.value.code) == (418, None)
    assert caught.value.message == "I'm a teapot"
    assert caught.value.body is None


async def test_a_degraded_health_is_an_answer(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    server.script(Answer(503, {"status": "degraded", "checks": {"persistence": "unavailable"}}))

    health = await client_of().health()

    assert health.status == "degraded"
    assert not health.ok
    assert health.checks == {"persistence": "unavailable"}
    assert len(server.received) == 1


async def test_unknown_fields_of_a_newer_server_are_kept(
    server: ScriptedServer, client_of: Callable[..., Both]
) -> None:
    server.script(Answer(200, {"id": "a", "brand_new": {"x": 1}, "skills": ["s"]}))

    agent = await client_of().agents.get("a")

    assert agent.skills == ["s"]
    assert agent.brand_new == {"x": 1}
    assert agent.model_extra == {"brand_new": {"x": 1}}
