"""``rate_limit:`` over HTTP: 429 with its headers past the limit, per caller and per route, and
exactly the limit admitted however many requests arrive at once. Health is never limited."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import yaml

from agent_gateway import Gateway
from agent_gateway_core.errors import BackendUnavailableError, WorkspaceError

from .conftest import ALICE, BOB, GATEWAY_YAML, UNREACHABLE_API_BASE, NewGateway

pytestmark = pytest.mark.integration

AGENTS = "/v1/agents"


def limit_to(monkeypatch: pytest.MonkeyPatch, default_limit: str) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_RATE_LIMIT__ENABLED", "true")
    monkeypatch.setenv("AGENT_GATEWAY_RATE_LIMIT__DEFAULT_LIMIT", default_limit)


def http(gw: Gateway, *, client: tuple[str, int] = ("127.0.0.1", 50000)) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=gw, client=client)
    return httpx.AsyncClient(transport=transport, base_url="http://gateway", headers=ALICE)


@pytest.fixture
async def limited(
    new_gateway: NewGateway, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    """Alice's client of a gateway limiting each caller to 3 requests a minute."""
    limit_to(monkeypatch, "3/minute")
    async with new_gateway() as gw, http(gw) as client:
        yield client


async def test_past_the_limit_a_request_answers_429_with_the_limit_headers(
    limited: httpx.AsyncClient,
) -> None:
    for _ in range(3):
        assert (await limited.get(AGENTS)).status_code == 200

    refused = await limited.get(AGENTS)

    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "rate_limit_exceeded"
    assert error["message"] == "rate limit exceeded: 3 per 1 minute"
    assert refused.headers["X-RateLimit-Limit"] == "3"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    reset = int(refused.headers["X-RateLimit-Reset"])
    assert time.time() < reset <= math.ceil(time.time()) + 61


async def test_health_is_never_limited(limited: httpx.AsyncClient) -> None:
    for _ in range(4):
        await limited.get(AGENTS)

    answers = [(await limited.get("/v1/health")).status_code for _ in range(10)]

    assert answers == [200] * 10
    assert (await limited.get(AGENTS)).status_code == 429


async def test_two_callers_have_separate_budgets(limited: httpx.AsyncClient) -> None:
    alice = [(await limited.get(AGENTS)).status_code for _ in range(4)]
    bob = [(await limited.get(AGENTS, headers=BOB)).status_code for _ in range(4)]

    assert alice == bob == [200, 200, 200, 429]


async def test_a_refused_credential_is_a_401_and_uses_no_budget(
    limited: httpx.AsyncClient,
) -> None:
    wrong = [(await limited.get(AGENTS, headers={"Authorization": "Bearer sk-nope"})).status_code]

    assert wrong == [401]
    assert [(await limited.get(AGENTS)).status_code for _ in range(3)] == [200] * 3


async def test_without_authentication_callers_are_counted_per_client_address(
    new_gateway: NewGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit_to(monkeypatch, "2/minute")
    async with new_gateway(auth=False) as gw:
        async with http(gw, client=("10.0.0.1", 1000)) as first:
            one = [(await first.get(AGENTS)).status_code for _ in range(3)]
        async with http(gw, client=("10.0.0.1", 2000)) as same_address:
            again = (await same_address.get(AGENTS)).status_code
        async with http(gw, client=("10.0.0.2", 1000)) as other:
            two = [(await other.get(AGENTS)).status_code for _ in range(3)]

    assert one == two == [200, 200, 429]
    assert again == 429  # another port, the same address: the same budget


def limiter_logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "agent_gateway.rate_limit"]


def write_rate_limit(workspace: Path, *, default_limit: str, routes: dict[str, str]) -> None:
    section = {"rate_limit": {"enabled": True, "default_limit": default_limit, "routes": routes}}
    (workspace / "gateway.yaml").write_text(
        GATEWAY_YAML.format(api_base=UNREACHABLE_API_BASE) + yaml.safe_dump(section)
    )


async def test_a_route_override_counts_that_route_apart_for_every_agent(
    new_gateway: NewGateway, workspace: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_rate_limit(
        workspace,
        default_limit="2/minute",
        routes={"POST /v1/agents/{agent_id}/invoke": "1/minute"},
    )
    async with new_gateway() as gw, http(gw) as client:
        first = await client.post("/v1/agents/assistant/invoke", json={"message": "hi"})
        other_agent = await client.post("/v1/agents/triage/invoke", json={"message": "hi"})
        listed = [(await client.get(AGENTS)).status_code for _ in range(3)]

    assert first.status_code == 200
    assert other_agent.status_code == 429
    assert other_agent.json()["error"]["message"] == (
        "rate limit exceeded: 1 per 1 minute on POST /v1/agents/{agent_id}/invoke"
    )
    assert listed == [200, 200, 429]  # the default budget, untouched by the invokes
    assert limiter_logs(caplog) == []  # the key names a route of the gateway


async def test_a_route_key_naming_no_route_is_warned_of(
    new_gateway: NewGateway, workspace: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_rate_limit(workspace, default_limit="5/minute", routes={"GET /v1/agent": "1/minute"})
    async with new_gateway() as gw, http(gw) as client:
        listed = [(await client.get(AGENTS)).status_code for _ in range(2)]

    assert listed == [200, 200]
    assert limiter_logs(caplog) == [
        "rate_limit.routes: 'GET /v1/agent' matches no route of this gateway, so it limits nothing"
    ]


async def test_at_once_exactly_the_limit_is_admitted(
    new_gateway: NewGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit_to(monkeypatch, "20/minute")
    async with new_gateway() as gw, http(gw) as client:
        answers = await asyncio.gather(*(client.get(AGENTS) for _ in range(60)))

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * 20 + [429] * 40


async def test_rate_limiting_is_off_by_default(new_gateway: NewGateway) -> None:
    async with new_gateway() as gw, http(gw) as client:
        answers = {(await client.get(AGENTS)).status_code for _ in range(5)}
        assert gw.services is not None
        assert gw.services.rate_limiter is None

    assert answers == {200}


async def test_an_invalid_limit_stops_startup_naming_the_setting(
    new_gateway: NewGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit_to(monkeypatch, "100/fortnight")

    with pytest.raises(WorkspaceError) as caught:
        await new_gateway().startup()

    [problem] = caught.value.problems
    assert problem.path == "environment variable AGENT_GATEWAY_RATE_LIMIT__DEFAULT_LIMIT"
    assert problem.field == "rate_limit.default_limit"
    assert "'100/fortnight'" in problem.message


async def test_a_redis_that_does_not_answer_stops_startup_saying_so(
    new_gateway: NewGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit_to(monkeypatch, "3/minute")
    # The discard port: nothing listens there.
    monkeypatch.setenv("AGENT_GATEWAY_RATE_LIMIT__STORAGE_URI", "redis://:secret@127.0.0.1:9/0")

    with pytest.raises(BackendUnavailableError) as caught:
        await new_gateway().startup()

    message = str(caught.value)
    assert "rate_limit.storage_uri" in message
    assert "redis://127.0.0.1:9/0" in message
    assert "secret" not in message
