"""The namespaces of the client, one module per part of the HTTP API."""
