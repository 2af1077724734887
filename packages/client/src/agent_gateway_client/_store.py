"""The store: the client's local copy of the catalog's answers, revalidated with ETags.

The catalog's GETs (agents, an agent, its setup schema, tools, a tool, skills, a skill) answer
with a strong ``ETag`` and ``Cache-Control: private, no-cache``: a client may keep the answer
but must ask the gateway before each use. So the store never answers alone: it sends the ETag
it holds in ``If-None-Match``, and a ``304`` (no body) is answered with the kept ``200``. The
data is therefore always the gateway's current data; what the store saves is the body's
transfer and the gateway's work.

It is emptied by every request that may change the catalog: any method but GET, HEAD and
OPTIONS, except the requests that only run agents (invoke, chat, cancelling an execution),
which never change what the catalog shows. Executions, sessions and anything else are never
kept. A request carrying its own credential or its own ``If-None-Match`` bypasses it.

The store is shared by the threads of a sync client (a batch): a lock guards it.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import httpx

CATALOG_PATH = re.compile(
    r"/v1/(?:agents(?:/[^/]+(?:/setup-schema)?)?|tools(?:/[^/]+)?|skills(?:/[^/]+)?)"
)
"""The paths (below the base URL) whose GET answers are kept."""

RUN_PATH = re.compile(r"/v1/(?:agents/[^/]+/(?:invoke|chat)|executions/[^/]+/cancel)")
"""The writes that leave the catalog as it is: they run (or stop) agents."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_BYPASS_HEADERS = ("authorization", "x-api-key", "if-none-match", "if-match")


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """A ``200`` kept with its ETag: its headers and its body (decoded)."""

    etag: str
    headers: tuple[tuple[str, str], ...]
    content: bytes

    def answer(self, request: httpx.Request, not_modified: httpx.Response) -> httpx.Response:
        """The kept ``200`` for ``request``, with the headers of the ``304`` that confirmed
        it (``X-Request-ID``, ``ETag``, ...) over the kept ones."""
        headers = httpx.Headers(self.headers)
        for name, value in not_modified.headers.items():
            if name.lower() not in _DROPPED_HEADERS:
                headers[name] = value
        return httpx.Response(200, headers=headers, content=self.content, request=request)


class ResponseStore:
    """The client's store (``client.store``): on unless the client was made with
    ``cache=False``; ``enabled`` switches it at any time.

    ``hits`` counts the catalog GETs answered from the store (after the gateway's ``304``),
    ``misses`` those answered with a whole body; ``len(store)`` is the number of answers
    kept (at most ``max_entries``, the least recently used dropped first).
    """

    def __init__(self, *, enabled: bool = True, base_path: str = "", max_entries: int = 512):
        self.enabled = enabled
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._base_path = base_path.rstrip("/")
        self._answers: OrderedDict[str, StoredAnswer] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Drop every kept answer (the counters stay)."""
        with self._lock:
            self._answers.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._answers)

    def __repr__(self) -> str:
        return (
            f"ResponseStore(enabled={self.enabled}, answers={len(self)}, hits={self.hits}, "
            f"misses={self.misses})"
        )

    # The middleware's side (see _async/_store.py).

    def key_of(self, request: httpx.Request) -> str | None:
        """The key of a GET whose answer is kept; ``None`` for any other request."""
        if request.method != "GET" or any(name in request.headers for name in _BYPASS_HEADERS):
            return None
        if not CATALOG_PATH.fullmatch(self._relative(request)):
            return None
        return str(request.url)

    def changes_catalog(self, request: httpx.Request) -> bool:
        """Whether ``request`` may change what the catalog shows."""
        if request.method in SAFE_METHODS:
            return False
        return RUN_PATH.fullmatch(self._relative(request)) is None

    def get(self, key: str) -> StoredAnswer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def keep(self, key: str, response: httpx.Response) -> None:
        """Keep a ``200`` (its body read) if it has an ETag; else forget the key."""
        etag = response.headers.get("etag")
        if response.status_code != 200 or not etag:
            self.forget(key)
            return
        headers = tuple(
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in _DROPPED_HEADERS
        )
        with self._lock:
            self._answers[key] = StoredAnswer(etag, headers, response.content)
            self._answers.move_to_end(key)
            while len(self._answers) > self.max_entries:
                self._answers.popitem(last=False)

    def forget(self, key: str) -> None:
        with self._lock:
            self._answers.pop(key, None)

    def count(self, *, hit: bool) -> None:
        with self._lock:
            if hit:
                self.hits += 1
            else:
                self.misses += 1

    def _relative(self, request: httpx.Request) -> str:
        path = request.url.path
        if self._base_path and path.startswith(self._base_path):
            path = path[len(self._base_path) :]
        return path
