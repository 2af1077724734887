# Generated from _async/_middleware.py by scripts/gen_sync_client.py: do not edit.
# Change the async source and run `uv run python scripts/gen_sync_client.py`.
"""The middleware port of the pipeline: code that wraps every send, such as a cache."""

from __future__ import annotations

from typing import Protocol

import httpx


class Send(Protocol):
    """Sends a request (with authentication and retries) and returns the answer, its body
    not read yet."""

    def __call__(self, request: httpx.Request, /) -> httpx.Response: ...


class Middleware(Protocol):
    """Wraps each send: called with the request (request hooks already applied) and the rest
    of the chain, it returns an answer, from ``call_next`` or of its own (say, a cached one).

    The answer's body may be unread (a stream's is), so a middleware reads it only when it
    needs it and closes any answer it drops. Error statuses reach it as answers: the client
    raises for them after the whole chain, so a middleware can turn a ``304`` into the cached
    ``200``. Middleware added first is outermost.
    """

    def __call__(self, request: httpx.Request, call_next: Send, /) -> httpx.Response: ...
