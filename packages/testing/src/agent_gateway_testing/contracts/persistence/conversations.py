"""Contract of ConversationStore: conversations, their messages and seq numbering."""

from __future__ import annotations

import asyncio

import pytest

from agent_gateway_core.errors import NotFoundError
from agent_gateway_core.ports.persistence import PersistenceBackend
from agent_gateway_testing.contracts.persistence.base import PersistenceFixture
from agent_gateway_testing.contracts.persistence.records import at, conversation, message


class ConversationStoreContract(PersistenceFixture):
    """Every sentence of the ConversationStore docstring, against ``persistence.conversations``."""

    async def test_conversation_upsert_then_get_returns_it(
        self, persistence: PersistenceBackend
    ) -> None:
        record = conversation()
        await persistence.conversations.upsert(record)
        assert await persistence.conversations.get(record.id) == record

    async def test_conversation_get_unknown_returns_none(
        self, persistence: PersistenceBackend
    ) -> None:
        assert await persistence.conversations.get("sess_000000000000") is None

    async def test_conversation_upsert_existing_replaces_title_metadata_updated_at_only(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.conversations
        original = conversation(created_at=at(0), updated_at=at(0))
        await store.upsert(original)
        await store.append_messages(original.id, [message(original.id, "hi", at(1))])
        before = await store.get(original.id)
        assert before is not None
        await store.upsert(
            original.model_copy(
                update={
                    "title": "renamed",
                    "metadata": {"new": 1},
                    "created_at": at(500),
                    "updated_at": at(600),
                    "message_count": 0,
                }
            )
        )
        after = await store.get(original.id)
        assert after is not None
        assert (after.title, after.metadata, after.updated_at) == ("renamed", {"new": 1}, at(600))
        assert (after.created_at, after.message_count) == (before.created_at, 1)

    async def test_conversation_list_for_user_returns_only_that_users_newest_first(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.conversations
        older = conversation(id="sess_00000000000a", updated_at=at(10))
        newer = conversation(id="sess_00000000000b", updated_at=at(20))
        tie_low = conversation(id="sess_00000000000c", updated_at=at(15))
        tie_high = conversation(id="sess_00000000000d", updated_at=at(15))
        someone_else = conversation(id="sess_00000000000e", user_id="user-2", updated_at=at(30))
        for record in (older, newer, tie_low, tie_high, someone_else):
            await store.upsert(record)
        page = await store.list_for_user("user-1")
        assert [c.id for c in page.items] == [newer.id, tie_high.id, tie_low.id, older.id]
        assert page.total == 4

    async def test_conversation_list_for_user_filters_by_agent(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.conversations
        mine = conversation(agent_id="agent-b")
        await store.upsert(mine)
        await store.upsert(conversation(agent_id="agent-a"))
        page = await store.list_for_user("user-1", agent_id="agent-b")
        assert [c.id for c in page.items] == [mine.id]
        assert page.total == 1

    async def test_conversation_list_for_user_paginates_and_counts_every_match(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.conversations
        ids = [f"sess_00000000000{n}" for n in range(5)]
        for n, conversation_id in enumerate(ids):
            await store.upsert(conversation(id=conversation_id, updated_at=at(n)))
        page = await store.list_for_user("user-1", limit=2, offset=1)
        assert [c.id for c in page.items] == [ids[3], ids[2]]
        assert (page.total, page.limit, page.offset) == (5, 2, 1)
        beyond = await store.list_for_user("user-1", limit=2, offset=9)
        assert (list(beyond.items), beyond.total) == ([], 5)

    async def test_conversation_list_for_unknown_user_is_empty(
        self, persistence: PersistenceBackend
    ) -> None:
        await persistence.conversations.upsert(conversation())
        page = await persistence.conversations.list_for_user("nobody")
        assert (list(page.items), page.total) == ([], 0)

    async def test_conversation_append_assigns_seq_in_order_and_bumps_the_conversation(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.conversations
        record = conversation(created_at=at(0), updated_at=at(0))
        await store.upsert(record)
        await store.append_messages(
            record.id, [message(record.id, "one", at(1)), message(record.id, "two", at(2))]
        )
        await store.append_messages(record.id, [message(record.id, "three", at(3))])
        stored = await store.list_messages(record.id)
        assert [(m.seq, m.message.content) for m in stored] == [
            (1, "one"),
            (2, "two"),
            (3, "three"),
        ]
        assert all(m.conversation_id == record.id for m in stored)
        bumped = await store.get(record.id)
        assert bumped is not None
        assert bumped.message_count == 3
        assert bumped.updated_at > record.updated_at

    async def test_conversation_append_to_unknown_raises_not_found(
        self, persistence: PersistenceBackend
    ) -> None:
        missing = "sess_ffffffffffff"
        with pytest.raises(NotFoundError, match=missing):
            await persistence.conversations.append_messages(missing, [message(missing, "x")])

    async def test_conversation_seq_is_per_conversation(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.conversations
        first, second = conversation(), conversation()
        await store.upsert(first)
        await store.upsert(second)
        await store.append_messages(first.id, [message(first.id, "a"), message(first.id, "b")])
        await store.append_messages(second.id, [message(second.id, "c")])
        assert [m.seq for m in await store.list_messages(second.id)] == [1]

    async def test_conversation_list_messages_limit_and_offset(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.conversations
        record = conversation()
        await store.upsert(record)
        await store.append_messages(record.id, [message(record.id, str(n)) for n in range(1, 6)])
        page = await store.list_messages(record.id, limit=2, offset=1)
        assert [m.seq for m in page] == [2, 3]
        rest = await store.list_messages(record.id, offset=3)
        assert [m.seq for m in rest] == [4, 5]

    async def test_conversation_list_messages_last_n_in_seq_order(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.conversations
        record = conversation()
        await store.upsert(record)
        await store.append_messages(record.id, [message(record.id, str(n)) for n in range(1, 6)])
        assert [m.seq for m in await store.list_messages(record.id, last=2)] == [4, 5]
        assert [m.seq for m in await store.list_messages(record.id, last=50)] == [1, 2, 3, 4, 5]

    async def test_conversation_delete_removes_it_and_its_messages(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.conversations
        record = conversation()
        await store.upsert(record)
        await store.append_messages(record.id, [message(record.id, "gone")])
        assert await store.delete(record.id) is True
        assert await store.get(record.id) is None
        assert await store.delete(record.id) is False
        await store.upsert(record)  # the same id again starts from an empty history
        assert await store.list_messages(record.id) == []
        await store.append_messages(record.id, [message(record.id, "fresh")])
        assert [m.seq for m in await store.list_messages(record.id)] == [1]

    async def test_conversation_delete_unknown_returns_false(
        self, persistence: PersistenceBackend
    ) -> None:
        assert await persistence.conversations.delete("sess_000000000000") is False

    async def test_conversation_concurrent_appends_get_unique_seqs(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.conversations
        record = conversation()
        await store.upsert(record)
        await asyncio.gather(
            *(store.append_messages(record.id, [message(record.id, str(n))]) for n in range(10))
        )
        assert [m.seq for m in await store.list_messages(record.id)] == list(range(1, 11))
        bumped = await store.get(record.id)
        assert bumped is not None
        assert bumped.message_count == 10
