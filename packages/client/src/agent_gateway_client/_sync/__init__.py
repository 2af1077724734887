# Generated from _async/__init__.py by scripts/gen_sync_client.py: do not edit.
# Change the async source and run `uv run python scripts/gen_sync_client.py`.
"""The sync client, generated from ``_async``."""
