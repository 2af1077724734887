"""Retriever port: dynamic context injected into a system prompt."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True, kw_only=True)
class RetrievalQuery:
    query: str
    agent_id: str
    user_id: str | None = None
    limit: int = 5
    metadata: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Retriever(Protocol):
    """Returns up to ``query.limit`` text passages relevant to ``query.query``, best first.

    - No match returns an empty list, never raises.
    - A backend failure raises
      :class:`~agent_gateway_core.errors.BackendUnavailableError`; the engine then runs
      without that retriever's context and logs a warning.
    - Optional hooks ``initialize()`` and ``close()`` (plain or ``async``, no arguments) are
      called once each: when the runtime starts, and when it closes.
    """

    async def retrieve(self, query: RetrievalQuery) -> list[str]: ...


@runtime_checkable
class KeywordRetriever(Protocol):
    """The retriever protocol of agents-gateway 0.2 (``ContextRetriever``), also accepted.

    ``retrieve`` takes keywords and returns the text chunks to inject; optional
    ``initialize()`` / ``close()`` hooks as for :class:`Retriever`.
    :func:`agent_gateway_core.retrievers.as_retriever` wraps one into a :class:`Retriever`.
    """

    async def retrieve(self, *, query: str, agent_id: str) -> list[str]: ...


AnyRetriever = Retriever | KeywordRetriever
"""What ``Runtime(retrievers=...)`` and ``Gateway.use_retriever`` accept."""
