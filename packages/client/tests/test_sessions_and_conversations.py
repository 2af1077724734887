"""``sessions`` and ``conversations`` (pages with offsets) against the real gateway."""

from __future__ import annotations

import pytest

from agent_gateway_client import Conversation, NotFoundError, SessionDetail, StoredMessage

from ._flavours import Both
from ._served import BOB
from .conftest import MakeClient

pytestmark = pytest.mark.integration


async def test_sessions_are_listed_read_and_deleted(client: Both) -> None:
    chat = await client.chat.send("assistant", "Remember me")

    listed = await client.sessions.list(agent_id="assistant", limit=200)
    session = await client.sessions.get(chat.session_id)
    await client.sessions.delete(chat.session_id)

    assert chat.session_id in [s.id for s in listed]
    assert listed.limit == 200
    assert isinstance(session, SessionDetail)
    assert session.message_count == 2
    assert [m.role for m in session.messages] == ["user", "assistant"]
    assert session.messages[1].content == "echo: Remember me"
    with pytest.raises(NotFoundError) as caught:
        await client.sessions.get(chat.session_id)
    assert caught.value.status_code == 404
    assert caught.value.code == "session_not_found"


async def test_another_callers_session_reads_as_not_found(
    client: Both, make_client: MakeClient
) -> None:
    chat = await client.chat.send("assistant", "mine")
    bob = make_client(api_key=BOB)

    with pytest.raises(NotFoundError):
        await bob.sessions.get(chat.session_id)


async def test_conversation_messages_come_in_pages(client: Both) -> None:
    first = await client.chat.send("assistant", "one")
    await client.chat.send("assistant", "two", session_id=first.session_id)

    page = await client.conversations.messages(first.session_id, limit=3)
    rest = await page.next_page()
    everything = await page.all()

    assert (page.total, page.limit, page.offset, len(page)) == (4, 3, 0, 3)
    assert page.has_more
    assert isinstance(page[0], StoredMessage)
    assert rest is not None
    assert (rest.offset, len(rest), rest.has_more) == (3, 1, False)
    assert [m.seq for m in everything] == [1, 2, 3, 4]
    assert [m.content for m in everything] == ["one", "echo: one", "two", "echo: two"]
    assert [m.seq async for m in page.iter_all()] == [1, 2, 3, 4]


async def test_conversations_are_listed_most_recent_first(client: Both) -> None:
    older = await client.chat.send("assistant", "older")
    newer = await client.chat.send("assistant", "newer")

    page = await client.conversations.list(agent_id="assistant", limit=2)

    assert [c.id for c in page] == [newer.session_id, older.session_id]
    assert isinstance(page[0], Conversation)
    assert page.total >= 2
    assert page.has_more == (page.total > 2)
