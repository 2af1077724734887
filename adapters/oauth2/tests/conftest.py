"""Fixtures: a JWKS server on 127.0.0.1, test signing keys, and providers pointed at them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from agent_gateway_core.domain.auth import Credentials
from agent_gateway_oauth2 import OAuth2AuthProvider

from .jwks_server import JWKSServer
from .tokens import AUDIENCE, SigningKey, claims_for

MakeProvider = Callable[..., OAuth2AuthProvider]
Claims = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def rsa_key() -> SigningKey:
    return SigningKey.rsa("rsa-1")


@pytest.fixture(scope="session")
def ec_key() -> SigningKey:
    return SigningKey.ec("ec-1")


@pytest.fixture(scope="session")
def rotated_key() -> SigningKey:
    """A key the issuer has not published yet."""
    return SigningKey.rsa("rsa-2")


@pytest.fixture
def jwks_server(rsa_key: SigningKey, ec_key: SigningKey) -> Iterator[JWKSServer]:
    server = JWKSServer()
    server.publish(rsa_key.public_jwk, ec_key.public_jwk)
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def make_provider(jwks_server: JWKSServer) -> AsyncIterator[MakeProvider]:
    """Providers for the test issuer (overridable); each is closed after the test."""
    made: list[OAuth2AuthProvider] = []

    def make(**options: Any) -> OAuth2AuthProvider:
        options.setdefault("issuer", jwks_server.issuer)
        options.setdefault("audience", AUDIENCE)
        provider = OAuth2AuthProvider(**options)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


@pytest.fixture
def provider(make_provider: MakeProvider) -> OAuth2AuthProvider:
    return make_provider()


@pytest.fixture
def claims(jwks_server: JWKSServer) -> Claims:
    """``claims(now=..., **overrides)``: valid claims for the test issuer."""

    def build(now: float | None = None, **overrides: Any) -> dict[str, Any]:
        return claims_for(jwks_server.issuer, now, **overrides)

    return build


def bearer(token: str) -> Credentials:
    return Credentials(scheme="bearer", token=token)
