"""The HTTP API: routers, error mapping, auth dependency, response schemas."""
