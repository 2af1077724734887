"""Fetching the JWKS: lazily, once at a time, cached, rate-limited, and surviving failures."""

from __future__ import annotations

import asyncio
import base64
import logging
import socket
from typing import Any

import httpx
import pytest

from agent_gateway_core.errors import AuthenticationError
from agent_gateway_core.testing import ManualClock
from agent_gateway_oauth2 import OAuth2AuthProvider

from .conftest import Claims, MakeProvider, bearer
from .jwks_server import JWKSServer
from .tokens import AUDIENCE, SigningKey

pytestmark = pytest.mark.integration

FETCH_FAILED = "cannot fetch the issuer's signing keys"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def timed_claims(claims: Claims, clock: ManualClock) -> Claims:
    """Claims valid at the manual clock's current time."""

    def build(**overrides: Any) -> dict[str, Any]:
        return claims(now=clock.now().timestamp(), **overrides)

    return build


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/.well-known/jwks.json"


# ---------------------------------------------------------------- when keys are fetched


async def test_nothing_is_fetched_before_the_first_authenticate(
    make_provider: MakeProvider, jwks_server: JWKSServer, rsa_key: SigningKey, claims: Claims
) -> None:
    provider = make_provider()
    await asyncio.sleep(0.05)
    assert jwks_server.requests == 0
    await provider.authenticate(bearer(rsa_key.sign(claims())))
    assert jwks_server.requests == 1


async def test_the_default_jwks_uri_is_under_the_issuer(
    provider: OAuth2AuthProvider, jwks_server: JWKSServer
) -> None:
    assert provider.jwks_uri == jwks_server.url


async def test_keys_are_cached_between_calls(
    provider: OAuth2AuthProvider,
    jwks_server: JWKSServer,
    rsa_key: SigningKey,
    ec_key: SigningKey,
    claims: Claims,
) -> None:
    for key in (rsa_key, ec_key, rsa_key, ec_key):
        await provider.authenticate(bearer(key.sign(claims())))
    assert jwks_server.requests == 1


async def test_concurrent_first_calls_share_one_fetch(
    provider: OAuth2AuthProvider, jwks_server: JWKSServer, rsa_key: SigningKey, claims: Claims
) -> None:
    jwks_server.delay_seconds = 0.2
    token = rsa_key.sign(claims())
    principals = await asyncio.gather(*(provider.authenticate(bearer(token)) for _ in range(20)))
    assert {p.subject for p in principals} == {"user-1"}
    assert jwks_server.requests == 1


async def test_concurrent_first_calls_share_one_failed_fetch(
    provider: OAuth2AuthProvider, jwks_server: JWKSServer, rsa_key: SigningKey, claims: Claims
) -> None:
    jwks_server.status, jwks_server.delay_seconds = 503, 0.1
    token = rsa_key.sign(claims())
    results = await asyncio.gather(
        *(provider.authenticate(bearer(token)) for _ in range(10)), return_exceptions=True
    )
    assert all(isinstance(r, AuthenticationError) and str(r) == FETCH_FAILED for r in results)
    assert jwks_server.requests == 1


async def test_keys_are_fetched_again_after_the_cache_ttl(
    make_provider: MakeProvider,
    jwks_server: JWKSServer,
    rsa_key: SigningKey,
    clock: ManualClock,
    timed_claims: Claims,
) -> None:
    provider = make_provider(clock=clock, jwks_cache_ttl_seconds=600)
    await provider.authenticate(bearer(rsa_key.sign(timed_claims())))
    clock.advance(599)
    await provider.authenticate(bearer(rsa_key.sign(timed_claims())))
    assert jwks_server.requests == 1
    clock.advance(2)
    await provider.authenticate(bearer(rsa_key.sign(timed_claims())))
    assert jwks_server.requests == 2


# ---------------------------------------------------------------- unknown keys and rotation


async def test_an_unknown_kid_is_refused_after_exactly_one_refetch(
    make_provider: MakeProvider,
    jwks_server: JWKSServer,
    rsa_key: SigningKey,
    rotated_key: SigningKey,
    clock: ManualClock,
    timed_claims: Claims,
) -> None:
    provider = make_provider(clock=clock)
    await provider.authenticate(bearer(rsa_key.sign(timed_claims())))
    clock.advance(31)
    with pytest.raises(AuthenticationError, match="unknown signing key"):
        await provider.authenticate(bearer(rotated_key.sign(timed_claims())))
    assert jwks_server.requests == 2


async def test_an_unknown_kid_in_the_first_call_is_refused_after_one_fetch(
    provider: OAuth2AuthProvider, jwks_server: JWKSServer, rotated_key: SigningKey, claims: Claims
) -> None:
    with pytest.raises(AuthenticationError, match="unknown signing key"):
        await provider.authenticate(bearer(rotated_key.sign(claims())))
    assert jwks_server.requests == 1


async def test_within_the_refetch_interval_an_unknown_kid_is_refused_without_a_fetch(
    make_provider: MakeProvider,
    jwks_server: JWKSServer,
    rsa_key: SigningKey,
    rotated_key: SigningKey,
    clock: ManualClock,
    timed_claims: Claims,
) -> None:
    provider = make_provider(clock=clock, min_refetch_interval_seconds=30)
    await provider.authenticate(bearer(rsa_key.sign(timed_claims())))
    clock.advance(29)
    with pytest.raises(AuthenticationError, match="unknown signing key"):
        await provider.authenticate(bearer(rotated_key.sign(timed_claims())))
    assert jwks_server.requests == 1


async def test_a_rotated_key_is_picked_up_after_one_refetch(
    make_provider: MakeProvider,
    jwks_server: JWKSServer,
    rsa_key: SigningKey,
    rotated_key: SigningKey,
    clock: ManualClock,
    timed_claims: Claims,
) -> None:
    provider = make_provider(clock=clock)
    await provider.authenticate(bearer(rsa_key.sign(timed_claims())))
    jwks_server.publish(rsa_key.public_jwk, rotated_key.public_jwk)
    clock.advance(30)
    principal = await provider.authenticate(bearer(rotated_key.sign(timed_claims(sub="new"))))
    assert principal.subject == "new"
    assert jwks_server.requests == 2
    await provider.authenticate(bearer(rsa_key.sign(timed_claims())))  # the old key still works
    await provider.authenticate(bearer(rotated_key.sign(timed_claims())))
    assert jwks_server.requests == 2


async def test_a_flood_of_unknown_kids_fetches_at_most_once_per_interval(
    make_provider: MakeProvider,
    jwks_server: JWKSServer,
    rsa_key: SigningKey,
    rotated_key: SigningKey,
    clock: ManualClock,
    timed_claims: Claims,
) -> None:
    provider = make_provider(clock=clock)
    await provider.authenticate(bearer(rsa_key.sign(timed_claims())))
    clock.advance(60)
    jwks_server.delay_seconds = 0.05
    tokens = [rotated_key.sign(timed_claims(), kid=f"random-{i}") for i in range(50)]

    async def flood() -> list[Any]:
        return await asyncio.gather(
            *(provider.authenticate(bearer(t)) for t in tokens), return_exceptions=True
        )

    results = await flood()
    assert all(isinstance(r, AuthenticationError) for r in results)
    assert {str(r) for r in results} == {"unknown signing key"}
    assert jwks_server.requests == 2  # the first fetch, and one refetch for all fifty
    await flood()
    assert jwks_server.requests == 2  # still within the interval: no fetch at all


async def test_with_no_interval_every_unknown_kid_refetches_once(
    make_provider: MakeProvider,
    jwks_server: JWKSServer,
    rsa_key: SigningKey,
    rotated_key: SigningKey,
    claims: Claims,
) -> None:
    provider = make_provider(min_refetch_interval_seconds=0)
    await provider.authenticate(bearer(rsa_key.sign(claims())))
    for expected in (2, 3):
        with pytest.raises(AuthenticationError, match="unknown signing key"):
            await provider.authenticate(bearer(rotated_key.sign(claims())))
        assert jwks_server.requests == expected


# ---------------------------------------------------------------- failures


async def test_an_unreachable_jwks_endpoint_is_an_authentication_error(
    make_provider: MakeProvider,
    rsa_key: SigningKey,
    claims: Claims,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = closed_port_url()
    provider = make_provider(jwks_uri=url, timeout_seconds=2)
    with (
        caplog.at_level(logging.WARNING, logger="agent_gateway_oauth2"),
        pytest.raises(AuthenticationError) as raised,
    ):
        await provider.authenticate(bearer(rsa_key.sign(claims())))
    assert str(raised.value) == FETCH_FAILED
    assert url in caplog.text


@pytest.mark.parametrize(
    ("status", "body", "logged"),
    [
        (500, b'{"keys": []}', "HTTP 500"),
        (404, b"{}", "HTTP 404"),
        (200, b"<html>sign in</html>", "not JSON"),
        (200, b'{"issuer": "x"}', "not a JWKS"),
        (200, b'[{"kty": "RSA"}]', "not a JWKS"),
        (200, b'{"keys": {"kty": "RSA"}}', "not a JWKS"),
    ],
)
async def test_a_bad_jwks_response_is_an_authentication_error(
    provider: OAuth2AuthProvider,
    jwks_server: JWKSServer,
    rsa_key: SigningKey,
    claims: Claims,
    caplog: pytest.LogCaptureFixture,
    status: int,
    body: bytes,
    logged: str,
) -> None:
    jwks_server.status, jwks_server.body = status, body
    with (
        caplog.at_level(logging.WARNING, logger="agent_gateway_oauth2"),
        pytest.raises(AuthenticationError, match=FETCH_FAILED),
    ):
        await provider.authenticate(bearer(rsa_key.sign(claims())))
    assert logged in caplog.text
    assert jwks_server.url in caplog.text


async def test_the_stale_cache_is_used_while_a_refresh_fails(
    make_provider: MakeProvider,
    jwks_server: JWKSServer,
    rsa_key: SigningKey,
    clock: ManualClock,
    timed_claims: Claims,
    caplog: pytest.LogCaptureFixture,
) -> None:
    provider = make_provider(clock=clock, jwks_cache_ttl_seconds=60)
    await provider.authenticate(bearer(rsa_key.sign(timed_claims())))
    jwks_server.status = 500
    clock.advance(61)
    with caplog.at_level(logging.WARNING, logger="agent_gateway_oauth2"):
        assert await provider.authenticate(bearer(rsa_key.sign(timed_claims())))
    assert "keeping the" in caplog.text
    assert jwks_server.requests == 2
    # While the issuer is down, retries wait out the refetch interval instead of every call.
    await provider.authenticate(bearer(rsa_key.sign(timed_claims())))
    assert jwks_server.requests == 2
    clock.advance(30)
    jwks_server.status = 200
    await provider.authenticate(bearer(rsa_key.sign(timed_claims())))
    assert jwks_server.requests == 3


async def test_after_a_failed_first_fetch_the_next_call_tries_again(
    provider: OAuth2AuthProvider, jwks_server: JWKSServer, rsa_key: SigningKey, claims: Claims
) -> None:
    jwks_server.status = 502
    with pytest.raises(AuthenticationError, match=FETCH_FAILED):
        await provider.authenticate(bearer(rsa_key.sign(claims())))
    jwks_server.status = 200
    assert (await provider.authenticate(bearer(rsa_key.sign(claims())))).subject == "user-1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def test_unusable_keys_in_the_jwks_are_skipped(
    provider: OAuth2AuthProvider,
    jwks_server: JWKSServer,
    rsa_key: SigningKey,
    ec_key: SigningKey,
    claims: Claims,
) -> None:
    weak = {"kty": "RSA", "kid": "weak", "n": _b64(b"\xc1" + bytes(127)), "e": "AQAB"}
    jwks_server.publish(
        {"kty": "oct", "kid": "secret", "k": _b64(b"a shared secret, published")},
        {"kty": "RSA", "kid": "broken", "n": "!!!", "e": "AQAB"},
        {"kty": "EC", "kid": "no-curve", "crv": "P-999", "x": "AA", "y": "AA"},
        {"kty": "PQC", "kid": "future"},
        "not a key",
        weak,
        {**ec_key.public_jwk, "use": "enc"},
        rsa_key.public_jwk,
    )
    assert (await provider.authenticate(bearer(rsa_key.sign(claims())))).subject == "user-1"
    for unusable in (ec_key, SigningKey.ec("weak"), SigningKey.ec("secret")):
        with pytest.raises(AuthenticationError, match="unknown signing key"):
            await provider.authenticate(bearer(unusable.sign(claims())))


async def test_an_empty_jwks_refuses_every_token(
    provider: OAuth2AuthProvider, jwks_server: JWKSServer, rsa_key: SigningKey, claims: Claims
) -> None:
    jwks_server.publish()
    with pytest.raises(AuthenticationError, match="unknown signing key"):
        await provider.authenticate(bearer(rsa_key.sign(claims())))


# ---------------------------------------------------------------- closing


async def test_aclose_is_safe_concurrently_and_twice(
    make_provider: MakeProvider, rsa_key: SigningKey, rotated_key: SigningKey, claims: Claims
) -> None:
    provider = make_provider(min_refetch_interval_seconds=0)
    await provider.authenticate(bearer(rsa_key.sign(claims())))
    await asyncio.gather(provider.aclose(), provider.aclose(), provider.aclose())
    await provider.aclose()
    # Keys already fetched keep working; nothing more is fetched.
    assert (await provider.authenticate(bearer(rsa_key.sign(claims())))).subject == "user-1"
    with pytest.raises(AuthenticationError, match="unknown signing key"):
        await provider.authenticate(bearer(rotated_key.sign(claims())))


async def test_a_closed_provider_without_keys_cannot_fetch(
    make_provider: MakeProvider, jwks_server: JWKSServer, rsa_key: SigningKey, claims: Claims
) -> None:
    provider = make_provider()
    await provider.aclose()
    with pytest.raises(AuthenticationError, match=FETCH_FAILED):
        await provider.authenticate(bearer(rsa_key.sign(claims())))
    assert jwks_server.requests == 0


async def test_an_injected_http_client_is_used_and_left_open(
    jwks_server: JWKSServer, rsa_key: SigningKey, claims: Claims
) -> None:
    async with httpx.AsyncClient() as client:
        async with OAuth2AuthProvider(jwks_server.issuer, AUDIENCE, http_client=client) as provider:
            await provider.authenticate(bearer(rsa_key.sign(claims())))
        assert not client.is_closed
        assert jwks_server.requests == 1
