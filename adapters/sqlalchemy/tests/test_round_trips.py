"""Each store call costs the statements it must, and no more (no N+1, one UPDATE per transition)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.ports.persistence import ExecutionQuery, ExecutionUpdate
from agent_gateway_sqlalchemy import SqlAlchemyPersistence
from agent_gateway_testing.contracts.persistence.records import (
    at,
    conversation,
    execution,
    idempotency,
    message,
)

from .conftest import POSTGRES_URL

pytestmark = pytest.mark.integration


class StatementLog:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def record(self, *args: Any) -> None:
        self.statements.append(args[2])

    def take(self) -> list[str]:
        taken, self.statements = self.statements, []
        return taken


@pytest.fixture
def statements() -> Iterator[StatementLog]:
    log = StatementLog()
    event.listen(Engine, "before_cursor_execute", log.record)
    yield log
    event.remove(Engine, "before_cursor_execute", log.record)


@pytest.fixture(params=["sqlite", "postgres"])
async def backend(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[SqlAlchemyPersistence]:
    if request.param == "sqlite":
        url, schema = f"sqlite+aiosqlite:///{tmp_path}/trips.db", None
    else:
        url, schema = POSTGRES_URL, request.getfixturevalue("fresh_schema")
    async with SqlAlchemyPersistence(url, schema=schema, migrate="upgrade") as persistence:
        yield persistence


async def test_store_calls_use_the_fewest_statements(
    backend: SqlAlchemyPersistence, statements: StatementLog
) -> None:
    record = execution()
    for n in range(5):
        await backend.executions.create(execution(id=f"other-{n}"))
    statements.take()

    await backend.executions.create(record)
    assert len(statements.take()) == 1
    await backend.executions.transition(
        record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1))
    )
    assert len(statements.take()) == 1
    events = [NewEvent(type=EventType.MODEL_DELTA, at=at(2)) for _ in range(5)]
    await backend.executions.append_events(record.id, events)
    assert len(statements.take()) == 2  # reserve the seqs, insert every event at once
    assert len(await backend.executions.list_events(record.id)) == 5
    assert len(statements.take()) == 1
    page = await backend.executions.query(ExecutionQuery(limit=3))
    assert (len(page.items), page.total) == (3, 6)
    assert len(statements.take()) == 1  # the page and its total together

    chat = conversation()
    await backend.conversations.upsert(chat)
    statements.take()
    await backend.conversations.append_messages(
        chat.id, [message(chat.id, "a"), message(chat.id, "b")]
    )
    assert len(statements.take()) == 2
    assert await backend.idempotency.claim(idempotency("k")) is None
    assert len(statements.take()) == 1
