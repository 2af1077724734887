"""``client.sessions``: the caller's live chat sessions."""

from __future__ import annotations

from agent_gateway_client._async._pagination import AsyncPage
from agent_gateway_client._async.resources._base import AsyncResource, segment
from agent_gateway_client.models.conversations import Session, SessionDetail


class AsyncSessions(AsyncResource):
    """Live (in-memory) sessions, most recently used first. Stored chats outlive them: see
    ``client.conversations``."""

    async def list(
        self, *, agent_id: str | None = None, limit: int | None = None
    ) -> AsyncPage[Session]:
        """The caller's sessions (one page of at most ``limit``, 1 to 200, 50 by default)."""
        return await self._page(
            Session, "/v1/sessions", params={"agent_id": agent_id, "limit": limit}
        )

    async def get(self, session_id: str) -> SessionDetail:
        """A session with its messages; :class:`NotFoundError` if unknown, expired or another
        caller's."""
        return await self._get(SessionDetail, f"/v1/sessions/{segment(session_id)}")

    async def delete(self, session_id: str) -> None:
        """End a session."""
        await self._pipeline.send("DELETE", f"/v1/sessions/{segment(session_id)}")
