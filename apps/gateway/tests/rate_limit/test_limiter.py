"""GatewayRateLimiter over each storage it runs on (this process's memory, and Redis): what is
counted, per whom and per route, what a refusal says, and exactness under concurrency."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
from limits.aio.storage import Storage
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Match, Route

from agent_gateway.api.deps import ANONYMOUS, PUBLIC
from agent_gateway.rate_limiting.limiter import GatewayRateLimiter
from agent_gateway.rate_limiting.storage import open_storage
from agent_gateway_core.domain.auth import Principal
from agent_gateway_core.errors import ConfigError, RateLimitExceededError

from .conftest import RedisTarget


async def _endpoint(request: Request) -> PlainTextResponse:
    return PlainTextResponse("")


ROUTES = [
    Route("/v1/agents", _endpoint, methods=["GET"]),
    Route("/v1/agents/triage/invoke", _endpoint, methods=["POST"]),  # as a typed route is
    Route("/v1/agents/{agent_id}/invoke", _endpoint, methods=["POST"]),
    Route("/v1/executions", _endpoint, methods=["GET", "POST"]),
]
APP = Starlette(routes=ROUTES)

ALICE = Principal(subject="apikey:alice", scopes=frozenset({"*"}), auth_method="api_key")
BOB = Principal(subject="apikey:bob", scopes=frozenset({"*"}), auth_method="api_key")


def request(
    method: str = "GET",
    path: str = "/v1/agents",
    *,
    client: str = "10.0.0.1",
    headers: Mapping[str, str] | None = None,
) -> Request:
    """A request as FastAPI hands it to a route: matched, with ``scope["route"]`` set."""
    scope: dict[str, Any] = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": (client, 40000),
        "app": APP,
    }
    for route in ROUTES:
        match, child_scope = route.matches(scope)
        if match is Match.FULL:
            scope.update(child_scope, route=route)
            break
    return Request(scope)


def repeated(times: int, principal: Principal, *args: Any, **kwargs: Any) -> list[Any]:
    """``times`` calls of ``principal``, each its own request (a request counts once)."""
    return [(request(*args, **kwargs), principal) for _ in range(times)]


@pytest.fixture(
    params=[
        pytest.param("memory", marks=pytest.mark.unit),
        pytest.param("redis", marks=pytest.mark.integration),
    ]
)
async def storage(request: pytest.FixtureRequest) -> AsyncIterator[Storage]:
    if request.param == "memory":
        uri, prefix = None, "unused"
    else:
        target: RedisTarget = request.getfixturevalue("redis_target")
        uri, prefix = target
    async with open_storage(uri, key_prefix=prefix) as opened:
        yield opened


async def passes(limiter: GatewayRateLimiter, *calls: tuple[Request, Principal]) -> list[bool]:
    """Whether each call passed, in order."""
    outcomes = []
    for req, principal in calls:
        try:
            await limiter.check(req, principal)
        except RateLimitExceededError:
            outcomes.append(False)
        else:
            outcomes.append(True)
    return outcomes


async def test_within_the_limit_requests_pass_and_the_next_is_refused_with_its_numbers(
    storage: Storage,
) -> None:
    limiter = GatewayRateLimiter(storage, default_limit="3/minute")
    for _ in range(3):
        await limiter.check(request(), ALICE)

    with pytest.raises(RateLimitExceededError) as caught:
        await limiter.check(request(), ALICE)

    refused = caught.value
    assert refused.limit == "3 per 1 minute"
    assert (refused.allowed, refused.remaining) == (3, 0)
    assert time.time() < refused.reset_at <= time.time() + 61
    assert refused.code == "rate_limit_exceeded"


async def test_each_caller_has_a_budget_of_its_own(storage: Storage) -> None:
    limiter = GatewayRateLimiter(storage, default_limit="2/minute")

    alice = await passes(limiter, *repeated(3, ALICE))
    bob = await passes(limiter, *repeated(3, BOB))

    assert alice == bob == [True, True, False]


async def test_an_authenticated_caller_is_one_caller_from_any_address(storage: Storage) -> None:
    limiter = GatewayRateLimiter(storage, default_limit="2/minute")

    outcomes = await passes(
        limiter,
        (request(client="10.0.0.1"), ALICE),
        (request(client="10.0.0.2"), ALICE),
        (request(client="10.0.0.3"), ALICE),
    )

    assert outcomes == [True, True, False]


async def test_unauthenticated_callers_are_counted_per_client_address(storage: Storage) -> None:
    limiter = GatewayRateLimiter(storage, default_limit="2/minute")

    first = await passes(
        limiter,
        (request(client="10.0.0.1"), ANONYMOUS),
        (request(client="10.0.0.1"), PUBLIC),  # with auth on or off, the address is the caller
        (request(client="10.0.0.1"), ANONYMOUS),
    )
    other = await passes(limiter, *repeated(3, PUBLIC, client="10.0.0.2"))

    assert first == other == [True, True, False]


async def test_a_route_override_is_counted_apart_and_shared_by_every_agent(
    storage: Storage,
) -> None:
    limiter = GatewayRateLimiter(
        storage,
        default_limit="2/minute",
        routes={"POST /v1/agents/{agent_id}/invoke": "3/minute"},
    )

    invokes = await passes(
        limiter,
        (request("POST", "/v1/agents/assistant/invoke"), ALICE),
        (request("POST", "/v1/agents/batch/invoke"), ALICE),
        (request("POST", "/v1/agents/triage/invoke"), ALICE),  # its own (typed) route
        (request("POST", "/v1/agents/assistant/invoke"), ALICE),
    )
    others = await passes(limiter, *repeated(3, ALICE, "GET", "/v1/executions"))

    assert invokes == [True, True, True, False]
    assert others == [True, True, False]  # the default budget, untouched by the invokes
    with pytest.raises(RateLimitExceededError) as caught:
        await limiter.check(request("POST", "/v1/agents/batch/invoke"), ALICE)
    assert caught.value.limit == "3 per 1 minute on POST /v1/agents/{agent_id}/invoke"


async def test_a_concrete_path_wins_over_the_template_and_a_method_is_matched(
    storage: Storage,
) -> None:
    limiter = GatewayRateLimiter(
        storage,
        default_limit="5/minute",
        routes={
            "/v1/agents/{agent_id}/invoke": "2/minute",
            "POST /v1/agents/triage/invoke": "1/minute",
            "POST /v1/executions": "1/minute",
        },
    )

    triage = await passes(limiter, *repeated(2, ALICE, "POST", "/v1/agents/triage/invoke"))
    assistant = await passes(limiter, *repeated(3, ALICE, "POST", "/v1/agents/assistant/invoke"))
    posts = await passes(limiter, *repeated(2, ALICE, "POST", "/v1/executions"))
    gets = await passes(limiter, *repeated(2, ALICE, "GET", "/v1/executions"))

    assert triage == [True, False]
    assert assistant == [True, True, False]
    assert posts == [True, False]
    assert gets == [True, True]  # GET is not POST: the default limit


async def test_several_limits_each_hold(storage: Storage) -> None:
    limiter = GatewayRateLimiter(storage, default_limit="5/minute;2/second")

    outcomes = await passes(limiter, *repeated(3, ALICE))

    assert outcomes == [True, True, False]
    with pytest.raises(RateLimitExceededError) as caught:
        await limiter.check(request(), ALICE)
    assert caught.value.limit == "2 per 1 second"


async def test_forwarded_for_is_believed_only_when_trusted(storage: Storage) -> None:
    def via_proxy(client: str) -> tuple[Request, Principal]:
        headers = {"X-Forwarded-For": f"{client}, 192.168.0.9"}
        return request(client="192.168.0.10", headers=headers), ANONYMOUS

    untrusted = GatewayRateLimiter(storage, default_limit="1/minute")
    trusted = GatewayRateLimiter(storage, default_limit="1/minute", trust_forwarded_for=True)

    # Not trusted: every client behind the proxy is the proxy.
    assert await passes(untrusted, via_proxy("203.0.113.1"), via_proxy("203.0.113.2")) == [
        True,
        False,
    ]
    await storage.reset()
    # Trusted: the first address is the client's.
    assert await passes(
        trusted, via_proxy("203.0.113.1"), via_proxy("203.0.113.2"), via_proxy("203.0.113.1")
    ) == [True, True, False]
    # What is not an address there is ignored: the peer is the caller.
    garbage = request(client="198.51.100.7", headers={"X-Forwarded-For": "not-an-ip"})
    peer = request(client="198.51.100.7")
    assert await passes(trusted, (garbage, ANONYMOUS), (peer, ANONYMOUS)) == [True, False]


async def test_a_request_is_counted_once_however_often_it_is_checked(storage: Storage) -> None:
    limiter = GatewayRateLimiter(storage, default_limit="2/minute")
    twice_checked = request()

    assert await passes(limiter, (twice_checked, ALICE), (twice_checked, ALICE)) == [True, True]
    assert await passes(limiter, (request(), ALICE), (request(), ALICE)) == [True, False]


async def test_at_once_exactly_the_limit_passes(storage: Storage) -> None:
    limiter = GatewayRateLimiter(storage, default_limit="20/minute")

    outcomes = await asyncio.gather(*(passes(limiter, (request(), ALICE)) for _ in range(60)))

    assert sum(outcome == [True] for outcome in outcomes) == 20


async def test_a_route_key_that_matches_no_route_is_warned_of_once(
    storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = GatewayRateLimiter(
        storage,
        routes={"POST /v1/agnts/{agent_id}/invoke": "1/minute", "GET /v1/agents": "9/minute"},
    )

    with caplog.at_level(logging.WARNING, logger="agent_gateway.rate_limit"):
        await passes(limiter, (request(), ALICE), (request(), ALICE))

    assert [record.getMessage() for record in caplog.records] == [
        "rate_limit.routes: 'POST /v1/agnts/{agent_id}/invoke' matches no route of this "
        "gateway, so it limits nothing"
    ]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"default_limit": "100/fortnight"}, "rate_limit.default_limit: invalid rate limit"),
        ({"default_limit": "0/minute"}, "rate_limit.default_limit"),
        ({"routes": {"/v1/agents": "lots"}}, "rate_limit.routes['/v1/agents']"),
        ({"routes": {"FETCH /v1/agents": "1/minute"}}, "unknown method 'FETCH'"),
        ({"routes": {"v1/agents": "1/minute"}}, "route 'v1/agents'"),
        ({"routes": {"/v1/{id:uuidish}": "1/minute"}}, "route '/v1/{id:uuidish}'"),
        (
            {"routes": {"GET /v1/agents": "1/minute", "get /v1/agents": "2/minute"}},
            "names a route twice",
        ),
    ],
)
async def test_an_invalid_setting_is_a_config_error_naming_it(
    options: dict[str, Any], named: str
) -> None:
    async with open_storage(None, key_prefix="unused") as memory:
        with pytest.raises(ConfigError) as caught:
            GatewayRateLimiter(memory, **options)

    assert named in str(caught.value)
