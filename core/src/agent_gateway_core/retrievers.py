"""Retrievers as registered by a host: either protocol accepted, lifecycle hooks run once.

Two shapes of retriever are accepted wherever one is registered (``Runtime(retrievers=...)``,
``Gateway.use_retriever``):

- our port, :class:`~agent_gateway_core.ports.retriever.Retriever`:
  ``async def retrieve(self, query: RetrievalQuery) -> list[str]``;
- the agents-gateway 0.2 protocol, :class:`~agent_gateway_core.ports.retriever.KeywordRetriever`:
  ``async def retrieve(self, *, query: str, agent_id: str) -> list[str]``.

:func:`as_retriever` tells them apart once, from the signature of ``retrieve``, and wraps a
keyword-style one into :class:`KeywordRetrieverAdapter`; an object following neither is refused
with a ConfigError naming it. :class:`RetrieverSet` runs the optional ``initialize()`` and
``close()`` hooks (plain or ``async``) once each, at runtime start and close.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Mapping
from typing import Any, cast

from agent_gateway_core.errors import BackendUnavailableError, ConfigError
from agent_gateway_core.ports.retriever import AnyRetriever, RetrievalQuery, Retriever

logger = logging.getLogger(__name__)


class KeywordRetrieverAdapter(Retriever):
    """A keyword-style retriever (agents-gateway 0.2) seen through the Retriever port.

    ``retrieve`` passes ``query.query`` and ``query.agent_id`` as keywords, keeps at most
    ``query.limit`` chunks, and turns a failure or a call longer than ``timeout_seconds`` into
    BackendUnavailableError naming the retriever. ``initialize`` and ``close`` call the wrapped
    retriever's hooks when it has them.

    ``timeout_seconds`` is unbounded by default: prompt assembly bounds every retriever call,
    of either protocol, by gateway.yaml's ``context_retrieval.retriever_timeout_seconds``.
    """

    def __init__(
        self,
        name: str,
        inner: Any,
        *,
        timeout_seconds: float | None = None,
    ) -> None:
        self.name = name
        self.inner = inner
        self.timeout_seconds = timeout_seconds

    async def retrieve(self, query: RetrievalQuery) -> list[str]:
        try:
            async with asyncio.timeout(self.timeout_seconds) as deadline:
                chunks = await self.inner.retrieve(query=query.query, agent_id=query.agent_id)
        except BackendUnavailableError:
            raise
        except Exception as exc:
            if deadline.expired():
                raise BackendUnavailableError(
                    f"retriever {self.name!r} timed out after {self.timeout_seconds:g}s"
                ) from exc
            raise BackendUnavailableError(f"retriever {self.name!r} failed: {exc}") from exc
        passages = list(chunks or [])
        if not all(isinstance(p, str) for p in passages):
            raise BackendUnavailableError(
                f"retriever {self.name!r} returned something other than a list of str"
            )
        return passages[: max(0, query.limit)]

    async def initialize(self) -> None:
        await _call_hook(self.inner, "initialize")

    async def close(self) -> None:
        await _call_hook(self.inner, "close")

    def __repr__(self) -> str:
        return f"KeywordRetrieverAdapter({self.name!r}, {self.inner!r})"


def as_retriever(name: str, retriever: object) -> Retriever:
    """``retriever`` as our port: itself when it follows the Retriever port, else wrapped in a
    KeywordRetrieverAdapter when it follows the keyword protocol of agents-gateway 0.2.

    Raises ConfigError naming ``name`` when it follows neither: no async ``retrieve``, or one
    that cannot be called as ``retrieve(query)`` nor as ``retrieve(query=..., agent_id=...)``.
    """
    retrieve = getattr(retriever, "retrieve", None)
    if retrieve is None or not callable(retrieve):
        raise ConfigError(f"retriever {name!r} ({_kind(retriever)}) has no retrieve() method")
    try:
        signature = inspect.signature(retrieve)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"retriever {name!r}: the signature of its retrieve() cannot be read ({exc})"
        ) from exc
    if _is_sync_function(retrieve):
        raise ConfigError(f"retriever {name!r}: retrieve() must be a coroutine (async def)")
    if _takes_keywords(signature):
        return KeywordRetrieverAdapter(name, retriever)
    if _takes_one_argument(signature):
        return cast(Retriever, retriever)
    raise ConfigError(
        f"retriever {name!r} ({_kind(retriever)}) follows no retriever protocol: its "
        f"retrieve{signature} must be 'retrieve(query: RetrievalQuery)' (the Retriever port) "
        "or 'retrieve(*, query: str, agent_id: str)' (agents-gateway 0.2)"
    )


class RetrieverSet:
    """The named retrievers of a runtime, as ports, with their lifecycle.

    :meth:`initialize` calls each one's optional ``initialize()`` once (later calls do
    nothing); one that fails closes those already initialized and raises
    BackendUnavailableError naming it. :meth:`close` calls ``close()`` on those initialized,
    last first, logging (not raising) a failure; afterwards the set is closed for good.
    """

    def __init__(self, retrievers: Mapping[str, AnyRetriever] | None = None) -> None:
        self.ports: dict[str, Retriever] = {
            name: as_retriever(name, retriever) for name, retriever in (retrievers or {}).items()
        }
        self._initialized: list[str] = []
        self._started = False

    async def initialize(self) -> None:
        if self._started:
            return
        self._started = True
        for name, retriever in self.ports.items():
            try:
                await _call_hook(retriever, "initialize")
            except Exception as exc:
                await self.close()
                raise BackendUnavailableError(
                    f"retriever {name!r} failed to initialize: {exc}"
                ) from exc
            self._initialized.append(name)

    async def close(self) -> None:
        self._started = True  # a closed set never initializes again
        while self._initialized:
            name = self._initialized.pop()
            try:
                await _call_hook(self.ports[name], "close")
            except Exception:
                logger.warning("retriever %r failed to close", name, exc_info=True)


async def _call_hook(target: object, hook: str) -> None:
    """Call ``target.hook()`` if it exists, awaiting what it returns when awaitable."""
    method = getattr(target, hook, None)
    if method is None or not callable(method):
        return
    outcome = method()
    if inspect.isawaitable(outcome):
        await outcome


def _takes_keywords(signature: inspect.Signature) -> bool:
    """``retrieve(query=..., agent_id=...)`` binds, and ``agent_id`` is a named parameter."""
    parameter = signature.parameters.get("agent_id")
    if parameter is None or parameter.kind not in (
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    ):
        return False
    return _binds(signature, query="", agent_id="")


def _takes_one_argument(signature: inspect.Signature) -> bool:
    return _binds(signature, RetrievalQuery(query="", agent_id=""))


def _binds(signature: inspect.Signature, *args: Any, **kwargs: Any) -> bool:
    try:
        signature.bind(*args, **kwargs)
    except TypeError:
        return False
    return True


def _is_sync_function(fn: Any) -> bool:
    """A ``def`` (not ``async def``) function or method, also under its decorators."""
    if not (inspect.isfunction(fn) or inspect.ismethod(fn)):
        return False  # a callable object or a mock: what it returns is known only when called
    return not (inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(inspect.unwrap(fn)))


def _kind(obj: object) -> str:
    return type(obj).__qualname__


__all__ = [
    "KeywordRetrieverAdapter",
    "RetrieverSet",
    "as_retriever",
]
