"""Tracking: a label on every request of a block, and the idempotency keys derived from it.

::

    with client.tracking("nightly-sync-2026-06-01"):
        await client.agents.invoke("triage", "...")

Inside the block, every request of that client carries ``X-Agent-Gateway-Tracking: <label>``
(the gateway records it on the executions the request creates, and
``executions.list(tracking=...)`` finds them). Each invoke or chat ``POST`` sent without an
``Idempotency-Key`` gets one, derived from the label, the request (method, path, and body as
canonical JSON) and how many identical requests came before it in the block. Running the block
again (the script re-run after a crash) sends the same keys, so the gateway answers with the
first run's executions instead of running the agents again; and a keyed ``POST`` may be
retried.

The label names one run: the block counts from zero each time it is entered, so a new run
needs a new label (put the date in it), else it replays the last one (for 24 hours, the
gateway's idempotency window).

The block lives in a context variable: it follows the code into what it starts (asyncio tasks,
batch calls, ``asyncio.to_thread``), and blocks entered in other tasks or threads do not see
each other. Nested blocks of one client: the innermost wins. Clients are independent.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from collections.abc import Mapping
from contextvars import ContextVar, Token
from types import MappingProxyType, TracebackType
from typing import Self

import httpx

from agent_gateway_client._errors import ConfigurationError
from agent_gateway_client._retry import IDEMPOTENCY_KEY_HEADER

TRACKING_HEADER = "X-Agent-Gateway-Tracking"
MAX_LABEL_LENGTH = 200
_LABEL = re.compile(rf"[\x20-\x7e]{{1,{MAX_LABEL_LENGTH}}}")
_KEYED_PATH = re.compile(r"/v1/agents/[^/]+/(?:invoke|chat)$")
"""The requests that get a derived key: those that run an agent."""

_EMPTY: Mapping[object, Tracking] = MappingProxyType({})
_blocks: ContextVar[Mapping[object, Tracking]] = ContextVar(
    "agent_gateway_client_tracking", default=_EMPTY
)


class Tracking:
    """A tracking block of one client: ``with client.tracking(label):`` (a plain ``with``,
    in async code too: entering it only sets a context variable).

    ``label`` is 1 to 200 printable ASCII characters, as the gateway takes them.
    """

    def __init__(self, owner: object, label: str) -> None:
        if not isinstance(label, str) or not _LABEL.fullmatch(label):
            raise ConfigurationError(
                f"a tracking label is 1 to {MAX_LABEL_LENGTH} printable ASCII characters, "
                f"got {label!r}"
            )
        self.label = label
        self._owner = owner
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._tokens: list[Token[Mapping[object, Tracking]]] = []

    def idempotency_key(self, method: str, path: str, body: bytes) -> str:
        """The key of the next request like this one in the block: the same in every run."""
        request = json.dumps([method.upper(), path, _canonical(body)], separators=(",", ":"))
        fingerprint = hashlib.sha256(request.encode()).hexdigest()
        with self._lock:
            self._counts[fingerprint] += 1
            occurrence = self._counts[fingerprint]
        derived = json.dumps([self.label, fingerprint, occurrence], separators=(",", ":"))
        return "trk_" + hashlib.sha256(derived.encode()).hexdigest()

    def __enter__(self) -> Self:
        with self._lock:
            self._counts.clear()
        current = _blocks.get()
        self._tokens.append(_blocks.set(MappingProxyType({**current, self._owner: self})))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _blocks.reset(self._tokens.pop())

    def __repr__(self) -> str:
        return f"Tracking({self.label!r})"


def current_tracking(owner: object) -> Tracking | None:
    """The innermost block of ``owner`` (a client's pipeline) in this context, if any."""
    return _blocks.get().get(owner)


def apply_tracking(owner: object, request: httpx.Request) -> None:
    """The request hook of tracking: the label, and a derived ``Idempotency-Key`` for an
    invoke or chat ``POST`` that has none. Headers the caller set are kept."""
    block = current_tracking(owner)
    if block is None:
        return
    request.headers.setdefault(TRACKING_HEADER, block.label)
    if (
        request.method == "POST"
        and IDEMPOTENCY_KEY_HEADER not in request.headers
        and _KEYED_PATH.search(request.url.path)
    ):
        try:
            body = request.content
        except httpx.RequestNotRead:  # a streamed body: nothing stable to derive a key from
            return
        path = request.url.raw_path.decode("ascii")
        request.headers[IDEMPOTENCY_KEY_HEADER] = block.idempotency_key(request.method, path, body)


def _canonical(body: bytes) -> str:
    """A JSON body with its keys sorted and no spaces, so equal documents give equal text;
    any other body as it is."""
    try:
        document = json.loads(body) if body else None
    except ValueError:
        return body.decode("utf-8", "replace")
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
