"""Authentication that is on with nothing configured to pass it: every call is refused."""

from __future__ import annotations

from agent_gateway_core.domain.auth import Credentials, Principal
from agent_gateway_core.errors import AuthenticationError
from agent_gateway_core.ports.auth_provider import AuthProvider


class NoCredentialsAuthProvider(AuthProvider):
    """Refuses every credential: auth is on (the safe default) but no key or provider is set."""

    async def authenticate(self, credentials: Credentials) -> Principal:
        raise AuthenticationError(
            "authentication is on but no credentials are configured on this gateway"
        )
