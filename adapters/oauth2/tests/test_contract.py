"""OAuth2AuthProvider passes the AuthProvider contract against a real JWKS endpoint."""

from __future__ import annotations

import time

import pytest

from agent_gateway_core.domain.auth import Credentials
from agent_gateway_oauth2 import OAuth2AuthProvider
from agent_gateway_testing.contracts import AuthProviderContract

from .conftest import Claims, bearer
from .tokens import SigningKey, unsigned_token, with_payload

pytestmark = pytest.mark.integration


class TestOAuth2AuthProviderContract(AuthProviderContract):
    @pytest.fixture
    def auth_provider(self, provider: OAuth2AuthProvider) -> OAuth2AuthProvider:
        return provider

    @pytest.fixture
    def valid_credentials(self, rsa_key: SigningKey, claims: Claims) -> Credentials:
        return bearer(rsa_key.sign(claims()))

    @pytest.fixture
    def invalid_credentials(
        self, rsa_key: SigningKey, rotated_key: SigningKey, claims: Claims
    ) -> list[Credentials]:
        valid = rsa_key.sign(claims())
        return [
            bearer(rsa_key.sign(claims(now=time.time() - 3600))),  # expired
            bearer(rsa_key.sign(claims(aud="someone-else"))),
            bearer(rsa_key.sign(claims(iss="https://evil.example"))),
            bearer(rotated_key.sign(claims())),  # a key the issuer never published
            bearer(with_payload(valid, claims(sub="admin"))),  # tampered
            bearer(unsigned_token(claims())),
            bearer("not-a-jwt"),
            bearer("   "),
        ]

    @pytest.fixture
    def unsupported_credentials(self, rsa_key: SigningKey, claims: Claims) -> Credentials:
        return Credentials(scheme="api_key", token=rsa_key.sign(claims()))
