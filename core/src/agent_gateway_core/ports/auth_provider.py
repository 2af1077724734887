"""AuthProvider port: credentials to principal."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from agent_gateway_core.domain.auth import Credentials, Principal


@runtime_checkable
class AuthProvider(Protocol):
    """Turns what a request presented into a :class:`Principal` with scopes.

    - ``authenticate`` returns the principal for valid credentials. The principal's
      ``subject`` is stable for the same credential across calls and processes.
    - Invalid, expired or unknown credentials raise
      :class:`~agent_gateway_core.errors.AuthenticationError` with a message safe to show
      the caller (never echoing the secret).
    - Credentials of a scheme this provider does not handle also raise
      ``AuthenticationError``; composing providers is the caller's job.
    - Must be safe to call concurrently and must not block the event loop.
    """

    async def authenticate(self, credentials: Credentials) -> Principal: ...
