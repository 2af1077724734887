"""ConversationStore on SQLite: each call is one function on the database's thread."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Select, bindparam, case, delete, insert, select, update

from agent_gateway_core.domain.conversation import ConversationRecord, MessageRecord
from agent_gateway_core.errors import SessionNotFoundError
from agent_gateway_core.ports.persistence.conversations import ConversationStore
from agent_gateway_core.ports.persistence.paging import Page
from agent_gateway_sqlalchemy.models.columns import UtcDateTime
from agent_gateway_sqlalchemy.postgres.conversations import message_row
from agent_gateway_sqlalchemy.postgres.statements import upsert
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase
from agent_gateway_sqlalchemy.sqlite.paging import PagedQuery
from agent_gateway_sqlalchemy.sqlite.statement import SqliteStatement


class SqliteConversationStore(ConversationStore):
    """Conversations and messages; ``message_count`` doubles as the last assigned ``seq``.

    So a new conversation always starts with ``message_count`` 0, whatever the record said.
    Appending reserves the seq range with one ``UPDATE ... RETURNING message_count`` and
    inserts the messages with one ``executemany``, in one ``BEGIN IMMEDIATE`` transaction.
    """

    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        compile_ = database.compile
        chats = self._chats = database.tables.conversations
        messages = self._messages = database.tables.messages
        self._upsert = compile_(
            upsert("sqlite", chats, ["id"], update=["title", "metadata", "updated_at"])
        )
        self._get = compile_(select(chats).where(chats.id == bindparam("id")))
        self._exists = compile_(select(chats.id).where(chats.id == bindparam("id")))
        latest = bindparam("latest", type_=UtcDateTime())
        self._reserve = compile_(
            update(chats)
            .where(chats.id == bindparam("conversation"))
            .values(
                message_count=chats.message_count + bindparam("count"),
                updated_at=case((chats.updated_at < latest, latest), else_=chats.updated_at),
            )
            .returning(chats.message_count)
        )
        self._insert_messages = compile_(insert(messages))
        self._delete = compile_(delete(chats).where(chats.id == bindparam("id")))
        self._listings: dict[tuple[bool, bool], PagedQuery] = {}
        self._message_lists: dict[tuple[bool, bool], SqliteStatement] = {}

    async def upsert(self, conversation: ConversationRecord) -> None:
        row = conversation.model_dump() | {"message_count": 0}
        await self._db.write(lambda connection: self._upsert.run(connection, row))

    async def get(self, conversation_id: str) -> ConversationRecord | None:
        row = await self._db.run(lambda c: self._get.first(c, {"id": conversation_id}))
        return ConversationRecord.model_validate(row) if row else None

    async def list_for_user(
        self, user_id: str | None, agent_id: str | None = None, limit: int = 50, offset: int = 0
    ) -> Page[ConversationRecord]:
        paged = self._listing(anonymous=user_id is None, by_agent=agent_id is not None)
        values = {"user_id": user_id, "agent_id": agent_id}
        return await self._db.run(
            lambda connection: paged.fetch(
                connection,
                values,
                limit=limit,
                offset=offset,
                convert=ConversationRecord.model_validate,
            )
        )

    async def append_messages(self, conversation_id: str, messages: list[MessageRecord]) -> None:
        if not messages:
            found = await self._db.run(lambda c: self._exists.first(c, {"id": conversation_id}))
            if found is None:
                raise SessionNotFoundError(conversation_id)
            return
        reservation = {
            "conversation": conversation_id,
            "count": len(messages),
            "latest": max(m.created_at for m in messages),
        }

        def append(connection: sqlite3.Connection) -> None:
            reserved = self._reserve.first(connection, reservation)
            if reserved is None:
                raise SessionNotFoundError(conversation_id)
            first_seq = int(reserved["message_count"]) - len(messages) + 1
            self._insert_messages.run_many(
                connection,
                (
                    message_row(conversation_id, seq, message)
                    for seq, message in enumerate(messages, start=first_seq)
                ),
            )

        await self._db.write(append)

    async def list_messages(
        self,
        conversation_id: str,
        limit: int | None = None,
        offset: int = 0,
        last: int | None = None,
    ) -> list[MessageRecord]:
        if last is not None and last <= 0:
            return []
        statement = self._message_list(tail=last is not None, limited=limit is not None)
        values = {"conversation": conversation_id, "last": last, "limit": limit, "offset": offset}
        rows = await self._db.run(lambda connection: statement.all(connection, values))
        return [MessageRecord.model_validate(row) for row in rows]

    async def delete(self, conversation_id: str) -> bool:
        # Messages go with it: the foreign key cascades.
        deleted = await self._db.run(lambda c: self._delete.run(c, {"id": conversation_id}))
        return deleted > 0

    def _listing(self, *, anonymous: bool, by_agent: bool) -> PagedQuery:
        """Conversations of one user (or of nobody), optionally of one agent."""
        paged = self._listings.get((anonymous, by_agent))
        if paged is None:
            chats = self._chats
            owner = chats.user_id.is_(None) if anonymous else chats.user_id == bindparam("user_id")
            query = select(chats).where(owner)
            if by_agent:
                query = query.where(chats.agent_id == bindparam("agent_id"))
            paged = self._listings[anonymous, by_agent] = PagedQuery(
                self._db, query, order_by=[chats.updated_at.desc(), chats.id.desc()]
            )
        return paged

    def _message_list(self, *, tail: bool, limited: bool) -> SqliteStatement:
        """Messages in seq order; ``tail``: of the newest ``last`` only."""
        statement = self._message_lists.get((tail, limited))
        if statement is None:
            messages = self._messages
            query: Select[Any] = select(messages).where(
                messages.conversation_id == bindparam("conversation")
            )
            if tail:
                newest = query.order_by(messages.seq.desc()).limit(bindparam("last")).subquery()
                query = select(newest).order_by(newest.c.seq)
            else:
                query = query.order_by(messages.seq)
            query = query.offset(bindparam("offset"))
            if limited:
                query = query.limit(bindparam("limit"))
            statement = self._message_lists[tail, limited] = self._db.compile(query)
        return statement
