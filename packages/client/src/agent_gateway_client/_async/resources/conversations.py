"""``client.conversations``: the caller's stored chat history."""

from __future__ import annotations

from agent_gateway_client._async._pagination import AsyncPage
from agent_gateway_client._async.resources._base import AsyncResource, segment
from agent_gateway_client.models.conversations import Conversation, StoredMessage


class AsyncConversations(AsyncResource):
    """Every chat turn is stored, one conversation per session, kept after the session
    leaves memory; chatting with its id continues it."""

    async def list(
        self, *, agent_id: str | None = None, limit: int | None = None, offset: int | None = None
    ) -> AsyncPage[Conversation]:
        """The caller's conversations, most recently updated first (``limit`` 1 to 200, 50 by
        default)."""
        params = {"agent_id": agent_id, "limit": limit, "offset": offset}
        return await self._page(Conversation, "/v1/users/me/conversations", params=params)

    async def messages(
        self, conversation_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> AsyncPage[StoredMessage]:
        """A conversation's messages, oldest first (``limit`` 1 to 500, 100 by default)."""
        path = f"/v1/users/me/conversations/{segment(conversation_id)}/messages"
        return await self._page(StoredMessage, path, params={"limit": limit, "offset": offset})
