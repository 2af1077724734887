# Generated from _async/resources/sessions.py by scripts/gen_sync_client.py: do not edit.
# Change the async source and run `uv run python scripts/gen_sync_client.py`.
"""``client.sessions``: the caller's live chat sessions."""

from __future__ import annotations

from agent_gateway_client._sync._pagination import Page
from agent_gateway_client._sync.resources._base import Resource, segment
from agent_gateway_client.models.conversations import Session, SessionDetail


class Sessions(Resource):
    """Live (in-memory) sessions, most recently used first. Stored chats outlive them: see
    ``client.conversations``."""

    def list(self, *, agent_id: str | None = None, limit: int | None = None) -> Page[Session]:
        """The caller's sessions (one page of at most ``limit``, 1 to 200, 50 by default)."""
        return self._page(Session, "/v1/sessions", params={"agent_id": agent_id, "limit": limit})

    def get(self, session_id: str) -> SessionDetail:
        """A session with its messages; :class:`NotFoundError` if unknown, expired or another
        caller's."""
        return self._get(SessionDetail, f"/v1/sessions/{segment(session_id)}")

    def delete(self, session_id: str) -> None:
        """End a session."""
        self._pipeline.send("DELETE", f"/v1/sessions/{segment(session_id)}")
