# Generated from _async/resources/conversations.py by scripts/gen_sync_client.py: do not edit.
# Change the async source and run `uv run python scripts/gen_sync_client.py`.
"""``client.conversations``: the caller's stored chat history."""

from __future__ import annotations

from agent_gateway_client._sync._pagination import Page
from agent_gateway_client._sync.resources._base import Resource, segment
from agent_gateway_client.models.conversations import Conversation, StoredMessage


class Conversations(Resource):
    """Every chat turn is stored, one conversation per session, kept after the session
    leaves memory; chatting with its id continues it."""

    def list(
        self, *, agent_id: str | None = None, limit: int | None = None, offset: int | None = None
    ) -> Page[Conversation]:
        """The caller's conversations, most recently updated first (``limit`` 1 to 200, 50 by
        default)."""
        params = {"agent_id": agent_id, "limit": limit, "offset": offset}
        return self._page(Conversation, "/v1/users/me/conversations", params=params)

    def messages(
        self, conversation_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> Page[StoredMessage]:
        """A conversation's messages, oldest first (``limit`` 1 to 500, 100 by default)."""
        path = f"/v1/users/me/conversations/{segment(conversation_id)}/messages"
        return self._page(StoredMessage, path, params={"limit": limit, "offset": offset})
