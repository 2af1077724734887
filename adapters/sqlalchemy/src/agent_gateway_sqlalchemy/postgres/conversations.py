"""ConversationStore on SQLAlchemy: conversations and their numbered messages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, case, delete, insert, select
from sqlalchemy import update as sql_update

from agent_gateway_core.domain.conversation import ConversationRecord, MessageRecord
from agent_gateway_core.errors import SessionNotFoundError
from agent_gateway_core.ports.persistence.conversations import ConversationStore
from agent_gateway_core.ports.persistence.paging import Page
from agent_gateway_sqlalchemy.database import Database
from agent_gateway_sqlalchemy.models.columns import UtcDateTime
from agent_gateway_sqlalchemy.postgres.statements import fetch_page, upsert


class SqlAlchemyConversationStore(ConversationStore):
    """Conversations and messages; ``message_count`` doubles as the last assigned ``seq``.

    So a new conversation always starts with ``message_count`` 0, whatever the record said.

    Appending is one ``UPDATE ... RETURNING message_count`` that reserves the seq range (and
    locks the row until commit on PostgreSQL), then one multi-row ``INSERT``.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        chats = self._chats = database.tables.conversations
        messages = self._messages = database.tables.messages
        self._upsert = upsert(
            database.dialect, chats, ["id"], update=["title", "metadata", "updated_at"]
        )
        self._get = select(chats).where(chats.id == bindparam("id"))
        self._exists = select(chats.id).where(chats.id == bindparam("id"))
        latest = bindparam("latest", type_=UtcDateTime())
        self._reserve = (
            sql_update(chats)
            .where(chats.id == bindparam("conversation"))
            .values(
                message_count=chats.message_count + bindparam("count"),
                updated_at=case((chats.updated_at < latest, latest), else_=chats.updated_at),
            )
            .returning(chats.message_count)
        )
        self._insert_messages = insert(messages)
        self._delete = delete(chats).where(chats.id == bindparam("id"))

    async def upsert(self, conversation: ConversationRecord) -> None:
        async with self._db.write() as connection:
            await connection.execute(self._upsert, conversation.model_dump() | {"message_count": 0})

    async def get(self, conversation_id: str) -> ConversationRecord | None:
        async with self._db.read() as connection:
            row = (await connection.execute(self._get, {"id": conversation_id})).first()
        return ConversationRecord.model_validate(row._asdict()) if row else None

    async def list_for_user(
        self, user_id: str | None, agent_id: str | None = None, limit: int = 50, offset: int = 0
    ) -> Page[ConversationRecord]:
        chats = self._chats
        owner = chats.user_id.is_(None) if user_id is None else chats.user_id == user_id
        query = select(chats).where(owner)
        if agent_id is not None:
            query = query.where(chats.agent_id == agent_id)
        async with self._db.read() as connection:
            return await fetch_page(
                connection,
                query,
                order_by=[chats.updated_at.desc(), chats.id.desc()],
                limit=limit,
                offset=offset,
                convert=ConversationRecord.model_validate,
            )

    async def append_messages(self, conversation_id: str, messages: list[MessageRecord]) -> None:
        if not messages:
            async with self._db.read() as connection:
                if await connection.scalar(self._exists, {"id": conversation_id}) is None:
                    raise SessionNotFoundError(conversation_id)
            return
        latest = max(m.created_at for m in messages)
        async with self._db.transaction() as connection:
            last_seq = (
                await connection.execute(
                    self._reserve,
                    {"conversation": conversation_id, "count": len(messages), "latest": latest},
                )
            ).scalar_one_or_none()
            if last_seq is None:
                raise SessionNotFoundError(conversation_id)
            first_seq = last_seq - len(messages) + 1
            rows = [
                message_row(conversation_id, seq, m)
                for seq, m in enumerate(messages, start=first_seq)
            ]
            await connection.execute(self._insert_messages, rows)

    async def list_messages(
        self,
        conversation_id: str,
        limit: int | None = None,
        offset: int = 0,
        last: int | None = None,
    ) -> list[MessageRecord]:
        messages = self._messages
        query = select(messages).where(messages.conversation_id == conversation_id)
        if last is not None:
            if last <= 0:
                return []
            tail = query.order_by(messages.seq.desc()).limit(last).subquery()
            query = select(tail).order_by(tail.c.seq)
        else:
            query = query.order_by(messages.seq)
        query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        async with self._db.read() as connection:
            rows = await connection.execute(query)
            return [MessageRecord.model_validate(row._asdict()) for row in rows]

    async def delete(self, conversation_id: str) -> bool:
        # Messages go with it: the foreign key cascades.
        async with self._db.write() as connection:
            result = await connection.execute(self._delete, {"id": conversation_id})
        return result.rowcount > 0


def message_row(conversation_id: str, seq: int, record: MessageRecord) -> dict[str, Any]:
    """The columns of a message stored as number ``seq``."""
    return {
        "id": record.id,
        "conversation_id": conversation_id,
        "seq": seq,
        "message": record.message.model_dump(mode="json"),
        "execution_id": record.execution_id,
        "created_at": record.created_at,
    }
