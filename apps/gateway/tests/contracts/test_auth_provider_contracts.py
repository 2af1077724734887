"""The gateway's AuthProviders pass the AuthProvider contract."""

from __future__ import annotations

import pytest

from agent_gateway.auth.api_keys import ApiKeyAuthProvider
from agent_gateway.auth.callable_provider import CallableAuthProvider
from agent_gateway.auth.composite import CompositeAuthProvider
from agent_gateway_core.domain.auth import Credentials, Principal
from agent_gateway_core.errors import AuthenticationError
from agent_gateway_testing.contracts import AuthProviderContract

pytestmark = pytest.mark.unit

_VALID = "sk-alice-0123456789"
_SUBJECTS = {_VALID: "alice", "sk-bob-9876543210": "bob"}


class _CallableContract(AuthProviderContract):
    """Shared samples for the CallableAuthProvider classes (each brings its callable)."""

    @pytest.fixture
    def valid_credentials(self) -> Credentials:
        return Credentials(scheme="bearer", token=_VALID)

    @pytest.fixture
    def invalid_credentials(self) -> list[Credentials]:
        return [
            Credentials(scheme="bearer", token="sk-mallory-0000000000"),
            Credentials(scheme="bearer", token=_VALID[:-1]),
            Credentials(scheme="api_key", token=""),
        ]

    @pytest.fixture
    def unsupported_credentials(self) -> Credentials:
        return Credentials(scheme="basic", token=_VALID)


class TestApiKeyAuthProvider(AuthProviderContract):
    @pytest.fixture
    def auth_provider(self) -> ApiKeyAuthProvider:
        return ApiKeyAuthProvider(
            [
                {"key": _VALID, "name": "alice", "scopes": ["invoke"]},
                {"key": "sk-bob-9876543210", "name": "bob", "scopes": ["*"]},
            ]
        )

    @pytest.fixture
    def valid_credentials(self) -> Credentials:
        return Credentials(scheme="api_key", token=_VALID)

    @pytest.fixture
    def invalid_credentials(self) -> list[Credentials]:
        return [
            Credentials(scheme="bearer", token="sk-mallory-0000000000"),
            Credentials(scheme="api_key", token=_VALID[:-1]),
            Credentials(scheme="api_key", token=_VALID + " "),
            Credentials(scheme="bearer", token="   "),
        ]

    @pytest.fixture
    def unsupported_credentials(self) -> Credentials:
        return Credentials(scheme="basic", token=_VALID)


class TestCallableAuthProviderWithSyncCallable(_CallableContract):
    @pytest.fixture
    def auth_provider(self) -> CallableAuthProvider:
        def subject_of(token: str) -> str | None:
            """A subject string for a known token, ``None`` to reject."""
            return _SUBJECTS.get(token)

        return CallableAuthProvider(subject_of)


class TestCallableAuthProviderWithAsyncCallable(_CallableContract):
    @pytest.fixture
    def auth_provider(self) -> CallableAuthProvider:
        async def principal_of(token: str) -> Principal:
            """A Principal for a known token; raises AuthenticationError to reject."""
            subject = _SUBJECTS.get(token)
            if subject is None:
                raise AuthenticationError("unknown token")
            return Principal(subject=subject, scopes=frozenset({"invoke"}), auth_method="custom")

        return CallableAuthProvider(principal_of)


class TestCompositeAuthProvider(AuthProviderContract):
    """API keys first, then a callable: a credential either accepts passes."""

    @pytest.fixture
    def auth_provider(self) -> CompositeAuthProvider:
        keys = ApiKeyAuthProvider([{"key": "sk-service-0123456789", "name": "service"}])
        return CompositeAuthProvider([keys, CallableAuthProvider(_SUBJECTS.get)])

    @pytest.fixture
    def valid_credentials(self) -> Credentials:
        return Credentials(scheme="bearer", token=_VALID)  # the callable's

    @pytest.fixture
    def invalid_credentials(self) -> list[Credentials]:
        return [
            Credentials(scheme="bearer", token="sk-mallory-0000000000"),
            Credentials(scheme="api_key", token="sk-service-012345678"),
        ]

    @pytest.fixture
    def unsupported_credentials(self) -> Credentials:
        return Credentials(scheme="basic", token=_VALID)


async def test_a_composite_uses_the_first_provider_that_accepts_and_says_why_all_refused() -> None:
    keys = ApiKeyAuthProvider([{"key": "sk-service-0123456789", "name": "service"}])
    composite = CompositeAuthProvider([keys, CallableAuthProvider(_SUBJECTS.get)])

    by_key = await composite.authenticate(
        Credentials(scheme="api_key", token="sk-service-0123456789")
    )
    by_callable = await composite.authenticate(Credentials(scheme="bearer", token=_VALID))
    with pytest.raises(AuthenticationError) as refused:
        await composite.authenticate(Credentials(scheme="bearer", token="sk-nobody-000"))

    assert by_key.subject == "apikey:service"
    assert by_callable.subject == "alice"
    assert str(refused.value) == "invalid API key; invalid credentials"
