# Generated from _async/_store.py by scripts/gen_sync_client.py: do not edit.
# Change the async source and run `uv run python scripts/gen_sync_client.py`.
"""The store's middleware: conditional GETs of the catalog, and emptying it on writes (see
:mod:`agent_gateway_client._store`)."""

from __future__ import annotations

import httpx

from agent_gateway_client._store import ResponseStore
from agent_gateway_client._sync._middleware import Send


class StoreMiddleware:
    """Innermost in the chain, so middleware added by the caller sees the ``200`` the store
    makes of a ``304``."""

    def __init__(self, store: ResponseStore) -> None:
        self._store = store

    def __call__(self, request: httpx.Request, call_next: Send) -> httpx.Response:
        store = self._store
        if not store.enabled:
            return call_next(request)
        if store.changes_catalog(request):
            store.clear()
            return call_next(request)
        key = store.key_of(request)
        if key is None:
            return call_next(request)
        kept = store.get(key)
        if kept is not None:
            request.headers["If-None-Match"] = kept.etag
        response = call_next(request)
        if response.status_code == 304 and kept is not None:
            response.close()
            store.count(hit=True)
            return kept.answer(request, response)
        store.count(hit=False)
        if response.status_code == 200:
            response.read()
        store.keep(key, response)
        return response
