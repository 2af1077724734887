"""OAuth2/OIDC bearer-token authentication for Agent Gateway."""
