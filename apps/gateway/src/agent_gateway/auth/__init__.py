"""Authentication for the HTTP API."""
