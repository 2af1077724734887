"""The store's middleware: conditional GETs of the catalog, and emptying it on writes (see
:mod:`agent_gateway_client._store`)."""

from __future__ import annotations

import httpx

from agent_gateway_client._async._middleware import AsyncSend
from agent_gateway_client._store import ResponseStore


class AsyncStoreMiddleware:
    """Innermost in the chain, so middleware added by the caller sees the ``200`` the store
    makes of a ``304``."""

    def __init__(self, store: ResponseStore) -> None:
        self._store = store

    async def __call__(self, request: httpx.Request, call_next: AsyncSend) -> httpx.Response:
        store = self._store
        if not store.enabled:
            return await call_next(request)
        if store.changes_catalog(request):
            store.clear()
            return await call_next(request)
        key = store.key_of(request)
        if key is None:
            return await call_next(request)
        kept = store.get(key)
        if kept is not None:
            request.headers["If-None-Match"] = kept.etag
        response = await call_next(request)
        if response.status_code == 304 and kept is not None:
            await response.aclose()
            store.count(hit=True)
            return kept.answer(request, response)
        store.count(hit=False)
        if response.status_code == 200:
            await response.aread()
        store.keep(key, response)
        return response
