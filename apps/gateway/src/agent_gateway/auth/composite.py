"""Several ways to authenticate at once: API keys and OAuth2 tokens on one gateway."""

from __future__ import annotations

from collections.abc import Sequence

from agent_gateway_core.domain.auth import Credentials, Principal
from agent_gateway_core.errors import AuthenticationError
from agent_gateway_core.ports.auth_provider import AuthProvider


class CompositeAuthProvider(AuthProvider):
    """Tries each provider in order; the first that accepts the credential decides.

    Put the cheapest first: API keys are a hash and a lookup, a JWT is a signature check. When
    every provider refuses, the error gives each one's reason (none echoes the credential).
    """

    def __init__(self, providers: Sequence[AuthProvider]) -> None:
        if not providers:
            raise ValueError("a composite auth provider needs at least one provider")
        self._providers = tuple(providers)

    @property
    def providers(self) -> tuple[AuthProvider, ...]:
        return self._providers

    async def authenticate(self, credentials: Credentials) -> Principal:
        reasons: list[str] = []
        for provider in self._providers:
            try:
                return await provider.authenticate(credentials)
            except AuthenticationError as exc:
                if str(exc) not in reasons:
                    reasons.append(str(exc))
        raise AuthenticationError("; ".join(reasons) or "invalid credentials")
