"""The async client: the source the sync client is generated from
(``scripts/gen_sync_client.py``)."""
