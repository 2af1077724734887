"""OAuth2/OIDC bearer-token authentication for Agent Gateway: JWTs checked against a JWKS."""

from agent_gateway_oauth2.provider import OAuth2AuthProvider

__all__ = ["OAuth2AuthProvider"]
