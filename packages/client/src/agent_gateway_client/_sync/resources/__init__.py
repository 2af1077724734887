# Generated from _async/resources/__init__.py by scripts/gen_sync_client.py: do not edit.
# Change the async source and run `uv run python scripts/gen_sync_client.py`.
"""The namespaces of the client, one module per part of the HTTP API."""
