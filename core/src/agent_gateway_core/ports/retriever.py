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
    """

    async def retrieve(self, query: RetrievalQuery) -> list[str]: ...
