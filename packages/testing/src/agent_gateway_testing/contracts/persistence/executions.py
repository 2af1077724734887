"""Contract of ExecutionStore: records, the state machine, queries and event logs."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import (
    ALLOWED_TRANSITIONS,
    ExecutionStatus,
    StopReason,
)
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.errors import (
    DuplicateError,
    ExecutionNotFoundError,
    InvalidTransitionError,
)
from agent_gateway_core.ports.persistence import (
    ExecutionQuery,
    ExecutionUpdate,
    PersistenceBackend,
)
from agent_gateway_testing.contracts.persistence.base import PersistenceFixture
from agent_gateway_testing.contracts.persistence.records import at, execution

_ALL_PAIRS = list(itertools.product(ExecutionStatus, ExecutionStatus))


def _event(n: int) -> NewEvent:
    return NewEvent(type=EventType.MODEL_DELTA, at=at(n), data={"n": n})


class ExecutionStoreContract(PersistenceFixture):
    """Every sentence of the ExecutionStore docstring, against ``persistence.executions``."""

    # ------------------------------------------------------------------ create / get

    async def test_execution_create_then_get_returns_the_record(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution(user_id="u1", session_id="sess_000000000001", usage=Usage())
        await persistence.executions.create(record)
        assert await persistence.executions.get(record.id) == record

    async def test_execution_create_keeps_the_owner_and_the_job_payload(
        self, persistence: PersistenceBackend
    ) -> None:
        payload = {"options": {"model": "m", "output_schema": {"type": "object"}}, "n": [1, 2]}
        record = execution(owner="inst-1", job_payload=payload)
        await persistence.executions.create(record)
        assert await persistence.executions.get(record.id) == record

    async def test_execution_create_keeps_the_tracking_label_through_every_transition(
        self, persistence: PersistenceBackend
    ) -> None:
        label = "nightly-sync: batch #7 " + "x" * 232  # 255 characters, spaces included
        record = execution(tracking=label)
        await persistence.executions.create(record)
        assert await persistence.executions.get(record.id) == record
        started = await persistence.executions.transition(
            record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1))
        )
        ended = await persistence.executions.transition(
            record.id, ExecutionUpdate(status=ExecutionStatus.SUCCEEDED, at=at(2), raw_text="ok")
        )
        assert started.tracking == ended.tracking == label
        assert (await persistence.executions.get(record.id)) == ended

    async def test_execution_get_unknown_returns_none(
        self, persistence: PersistenceBackend
    ) -> None:
        assert await persistence.executions.get("no-such-execution") is None

    async def test_execution_create_duplicate_id_raises_and_keeps_the_first(
        self, persistence: PersistenceBackend
    ) -> None:
        first = execution(message="first")
        await persistence.executions.create(first)
        with pytest.raises(DuplicateError, match=first.id):
            await persistence.executions.create(first.model_copy(update={"message": "second"}))
        assert await persistence.executions.get(first.id) == first

    async def test_execution_create_with_events_stores_them_first_in_one_step(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution()
        await persistence.executions.create(record, [_event(1), _event(2)])
        assert await persistence.executions.get(record.id) == record
        listed = await persistence.executions.list_events(record.id)
        assert [(e.seq, e.type, e.at, e.data) for e in listed] == [
            (1, EventType.MODEL_DELTA, at(1), {"n": 1}),
            (2, EventType.MODEL_DELTA, at(2), {"n": 2}),
        ]
        more = await persistence.executions.append_events(record.id, [_event(3)])
        assert [e.seq for e in more] == [3]  # the log goes on after them

    async def test_execution_create_duplicate_with_events_stores_no_events(
        self, persistence: PersistenceBackend
    ) -> None:
        first = execution()
        await persistence.executions.create(first, [_event(1)])
        with pytest.raises(DuplicateError, match=first.id):
            await persistence.executions.create(first, [_event(2), _event(3)])
        listed = await persistence.executions.list_events(first.id)
        assert [(e.seq, e.data) for e in listed] == [(1, {"n": 1})]

    # ------------------------------------------------------------------ transitions

    async def test_execution_transition_to_running_sets_started_at(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution()
        await persistence.executions.create(record)
        updated = await persistence.executions.transition(
            record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(5))
        )
        assert updated.status is ExecutionStatus.RUNNING
        assert updated.started_at == at(5)
        assert updated.finished_at is None
        assert await persistence.executions.get(record.id) == updated

    async def test_execution_handed_back_to_queued_keeps_its_started_at(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution(status=ExecutionStatus.RUNNING, started_at=at(1), owner="inst-ran")
        await persistence.executions.create(record)
        update = ExecutionUpdate(
            status=ExecutionStatus.QUEUED, at=at(3), only_from=ExecutionStatus.RUNNING
        )
        updated = await persistence.executions.transition(record.id, update, [_event(3)])
        assert updated.status is ExecutionStatus.QUEUED
        assert (updated.started_at, updated.finished_at) == (at(1), None)
        assert updated.owner == "inst-ran"
        assert await persistence.executions.get(record.id) == updated
        assert [e.seq for e in await persistence.executions.list_events(record.id)] == [1]
        with pytest.raises(InvalidTransitionError):  # only from running
            await persistence.executions.transition(record.id, update)

    async def test_execution_transition_to_terminal_sets_finished_at_and_outcome(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution(status=ExecutionStatus.RUNNING, started_at=at(1))
        await persistence.executions.create(record)
        usage = Usage(input_tokens=12, output_tokens=7, cost_usd=0.5, llm_calls=2, tool_calls=1)
        updated = await persistence.executions.transition(
            record.id,
            ExecutionUpdate(
                status=ExecutionStatus.SUCCEEDED,
                at=at(9),
                result={"answer": 42},
                raw_text='{"answer": 42}',
                stop_reason=StopReason.COMPLETED,
                usage=usage,
            ),
        )
        assert updated.status is ExecutionStatus.SUCCEEDED
        assert (updated.started_at, updated.finished_at) == (at(1), at(9))
        assert updated.result == {"answer": 42}
        assert updated.raw_text == '{"answer": 42}'
        assert updated.stop_reason is StopReason.COMPLETED
        assert updated.usage == usage
        assert updated.error is None
        assert await persistence.executions.get(record.id) == updated

    async def test_execution_transition_records_the_error_of_a_failure(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution(status=ExecutionStatus.RUNNING, started_at=at(1))
        await persistence.executions.create(record)
        updated = await persistence.executions.transition(
            record.id,
            ExecutionUpdate(
                status=ExecutionStatus.FAILED, at=at(2), error="boom", stop_reason=StopReason.ERROR
            ),
        )
        assert (updated.error, updated.stop_reason) == ("boom", StopReason.ERROR)
        assert updated.finished_at == at(2)

    async def test_execution_transition_leaves_fields_set_to_none_unchanged(
        self, persistence: PersistenceBackend
    ) -> None:
        usage = Usage(input_tokens=3, llm_calls=1)
        record = execution(result={"draft": True}, raw_text="draft", usage=usage, error="earlier")
        await persistence.executions.create(record)
        updated = await persistence.executions.transition(
            record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1))
        )
        assert updated.model_dump(exclude={"status", "started_at"}) == record.model_dump(
            exclude={"status", "started_at"}
        )

    async def test_execution_transition_records_the_owner_it_names(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution(owner="inst-accepted")
        await persistence.executions.create(record)
        started = await persistence.executions.transition(
            record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1), owner="inst-ran")
        )
        assert started.owner == "inst-ran"
        ended = await persistence.executions.transition(
            record.id, ExecutionUpdate(status=ExecutionStatus.SUCCEEDED, at=at(2))
        )
        assert ended.owner == "inst-ran"  # kept when the update names none
        assert await persistence.executions.get(record.id) == ended

    @pytest.mark.parametrize(
        ("current", "target"), _ALL_PAIRS, ids=[f"{c.value}->{t.value}" for c, t in _ALL_PAIRS]
    )
    async def test_execution_transition_follows_the_state_machine(
        self, persistence: PersistenceBackend, current: ExecutionStatus, target: ExecutionStatus
    ) -> None:
        record = execution(status=current)
        await persistence.executions.create(record)
        update = ExecutionUpdate(status=target, at=at(1), error="why")
        if target in ALLOWED_TRANSITIONS[current]:
            updated = await persistence.executions.transition(record.id, update)
            assert updated.status is target
            return
        with pytest.raises(InvalidTransitionError) as raised:
            await persistence.executions.transition(record.id, update)
        assert current.value in str(raised.value)
        assert target.value in str(raised.value)
        assert await persistence.executions.get(record.id) == record  # nothing changed

    async def test_execution_transition_only_from_one_status(
        self, persistence: PersistenceBackend
    ) -> None:
        """``only_from``: allowed from exactly that status, refused from any other one even
        where the state machine allows the change."""
        for current, targets in ALLOWED_TRANSITIONS.items():
            for target in targets:
                for only_from in ExecutionStatus:
                    record = execution(status=current)
                    await persistence.executions.create(record)
                    update = ExecutionUpdate(status=target, at=at(1), only_from=only_from)
                    if only_from is current:
                        updated = await persistence.executions.transition(record.id, update)
                        assert updated.status is target
                        continue
                    with pytest.raises(InvalidTransitionError):
                        await persistence.executions.transition(record.id, update, [_event(1)])
                    assert await persistence.executions.get(record.id) == record
                    assert await persistence.executions.list_events(record.id) == []

    async def test_execution_transition_unknown_id_raises_not_found(
        self, persistence: PersistenceBackend
    ) -> None:
        with pytest.raises(ExecutionNotFoundError, match="no-such-execution"):
            await persistence.executions.transition(
                "no-such-execution", ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1))
            )

    async def test_execution_transition_with_events_appends_them_in_the_same_step(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution(status=ExecutionStatus.RUNNING, started_at=at(1))
        await persistence.executions.create(record)
        await persistence.executions.append_events(record.id, [_event(1)])
        update = ExecutionUpdate(status=ExecutionStatus.SUCCEEDED, at=at(4), raw_text="done")
        updated = await persistence.executions.transition(record.id, update, [_event(2), _event(3)])
        assert updated.status is ExecutionStatus.SUCCEEDED
        assert updated.raw_text == "done"
        stored = await persistence.executions.list_events(record.id)
        assert [(e.seq, e.data["n"]) for e in stored] == [(1, 1), (2, 2), (3, 3)]
        assert [e.at for e in stored] == [at(1), at(2), at(3)]
        more = await persistence.executions.append_events(record.id, [_event(4)])
        assert [e.seq for e in more] == [4]  # the range the transition took is not reused

    async def test_execution_transition_without_events_appends_none(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution()
        await persistence.executions.create(record)
        update = ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1))
        await persistence.executions.transition(record.id, update, [])
        assert await persistence.executions.list_events(record.id) == []
        stored = await persistence.executions.append_events(record.id, [_event(1)])
        assert [e.seq for e in stored] == [1]

    async def test_execution_refused_transition_appends_no_events(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution(status=ExecutionStatus.SUCCEEDED, finished_at=at(2))
        await persistence.executions.create(record)
        update = ExecutionUpdate(status=ExecutionStatus.FAILED, at=at(3), error="late")
        with pytest.raises(InvalidTransitionError):
            await persistence.executions.transition(record.id, update, [_event(1)])
        assert await persistence.executions.list_events(record.id) == []
        assert await persistence.executions.get(record.id) == record

    async def test_execution_transition_with_events_unknown_id_raises_not_found(
        self, persistence: PersistenceBackend
    ) -> None:
        update = ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(1))
        with pytest.raises(ExecutionNotFoundError, match="no-such-execution"):
            await persistence.executions.transition("no-such-execution", update, [_event(1)])

    @pytest.mark.parametrize("with_events", [False, True], ids=["alone", "with-events"])
    async def test_execution_concurrent_terminal_transitions_exactly_one_wins(
        self, persistence: PersistenceBackend, with_events: bool
    ) -> None:
        record = execution(status=ExecutionStatus.RUNNING, started_at=at(1))
        await persistence.executions.create(record)
        targets = [ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED]
        outcomes = await asyncio.gather(
            *(
                persistence.executions.transition(
                    record.id,
                    ExecutionUpdate(status=target, at=at(2)),
                    [NewEvent(type=EventType.COMPLETED, at=at(2), data={"n": n})]
                    if with_events
                    else (),
                )
                for n, target in enumerate(targets)
            ),
            return_exceptions=True,
        )
        winners = [o for o in outcomes if not isinstance(o, BaseException)]
        losers = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(winners) == 1
        assert all(isinstance(o, InvalidTransitionError) for o in losers)
        stored = await persistence.executions.get(record.id)
        assert stored is not None
        assert stored.status is winners[0].status
        logged = await persistence.executions.list_events(record.id)
        if with_events:  # the winner's event only
            assert [(e.seq, targets[e.data["n"]]) for e in logged] == [(1, winners[0].status)]
        else:
            assert logged == []

    async def test_execution_concurrent_starts_exactly_one_wins(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution()
        await persistence.executions.create(record)
        outcomes = await asyncio.gather(
            *(
                persistence.executions.transition(
                    record.id, ExecutionUpdate(status=ExecutionStatus.RUNNING, at=at(n))
                )
                for n in range(5)
            ),
            return_exceptions=True,
        )
        assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
        assert all(
            isinstance(o, InvalidTransitionError) for o in outcomes if isinstance(o, BaseException)
        )

    # ------------------------------------------------------------------ query

    async def test_execution_query_filters_by_every_set_field(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.executions
        target = execution(
            agent_id="agent-b",
            status=ExecutionStatus.RUNNING,
            user_id="u2",
            session_id="sess_00000000000b",
            created_at=at(100),
            tracking="run-1",
        )
        others = [
            execution(
                agent_id="agent-a",
                status=ExecutionStatus.RUNNING,
                user_id="u2",
                session_id="sess_00000000000b",
                created_at=at(100),
                tracking="run-1",
            ),
            execution(
                agent_id="agent-b",
                status=ExecutionStatus.QUEUED,
                user_id="u2",
                session_id="sess_00000000000b",
                created_at=at(100),
                tracking="run-1",
            ),
            execution(
                agent_id="agent-b",
                status=ExecutionStatus.RUNNING,
                user_id="u3",
                session_id="sess_00000000000b",
                created_at=at(100),
                tracking="run-1",
            ),
            execution(
                agent_id="agent-b",
                status=ExecutionStatus.RUNNING,
                user_id="u2",
                session_id="sess_00000000000c",
                created_at=at(100),
                tracking="run-1",
            ),
            execution(
                agent_id="agent-b",
                status=ExecutionStatus.RUNNING,
                user_id="u2",
                session_id="sess_00000000000b",
                created_at=at(99),
                tracking="run-1",
            ),
            execution(
                agent_id="agent-b",
                status=ExecutionStatus.RUNNING,
                user_id="u2",
                session_id="sess_00000000000b",
                created_at=at(100),
                tracking="run-2",
            ),
        ]
        for record in [target, *others]:
            await store.create(record)
        page = await store.query(
            ExecutionQuery(
                agent_id="agent-b",
                status=ExecutionStatus.RUNNING,
                user_id="u2",
                session_id="sess_00000000000b",
                tracking="run-1",
                since=at(100),
            )
        )
        assert [r.id for r in page.items] == [target.id]
        assert page.total == 1

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            (ExecutionQuery(agent_id="agent-b"), {"b1", "b2"}),
            (ExecutionQuery(status=ExecutionStatus.FAILED), {"a2"}),
            (ExecutionQuery(user_id="u1"), {"a1", "b1"}),
            (ExecutionQuery(session_id="sess_000000000002"), {"a2", "b2"}),
            (ExecutionQuery(since=at(20)), {"b1", "b2"}),  # created_at >= since
            (ExecutionQuery(), {"a1", "a2", "b1", "b2"}),
        ],
        ids=["agent", "status", "user", "session", "since-inclusive", "no-filter"],
    )
    async def test_execution_query_single_filters(
        self, persistence: PersistenceBackend, query: ExecutionQuery, expected: set[str]
    ) -> None:
        records = [
            execution(
                id="a1",
                agent_id="agent-a",
                user_id="u1",
                session_id="sess_000000000001",
                created_at=at(10),
            ),
            execution(
                id="a2",
                agent_id="agent-a",
                user_id="u2",
                status=ExecutionStatus.FAILED,
                session_id="sess_000000000002",
                created_at=at(15),
            ),
            execution(
                id="b1",
                agent_id="agent-b",
                user_id="u1",
                session_id="sess_000000000001",
                created_at=at(20),
            ),
            execution(
                id="b2",
                agent_id="agent-b",
                user_id="u2",
                session_id="sess_000000000002",
                created_at=at(30),
            ),
        ]
        for record in records:
            await persistence.executions.create(record)
        page = await persistence.executions.query(query)
        assert {r.id for r in page.items} == expected
        assert page.total == len(expected)

    async def test_execution_query_filters_by_tracking_exactly(
        self, persistence: PersistenceBackend
    ) -> None:
        labels = {
            "t-1": "nightly-sync",
            "t-2": "nightly-sync",
            "t-3": "Nightly-Sync",  # equality is case-sensitive
            "t-4": "nightly-sync-2",  # not a prefix match
            "t-5": None,
        }
        for n, (record_id, label) in enumerate(labels.items()):
            await persistence.executions.create(
                execution(id=record_id, tracking=label, created_at=at(n))
            )
        page = await persistence.executions.query(ExecutionQuery(tracking="nightly-sync"))
        assert [r.id for r in page.items] == ["t-2", "t-1"]  # newest first
        assert page.total == 2
        assert {r.tracking for r in page.items} == {"nightly-sync"}
        both = await persistence.executions.query(
            ExecutionQuery(tracking="nightly-sync", since=at(1))
        )
        assert [r.id for r in both.items] == ["t-2"]
        none = await persistence.executions.query(ExecutionQuery(tracking="unknown"))
        assert (list(none.items), none.total) == ([], 0)

    async def test_execution_query_orders_newest_first_then_id_descending(
        self, persistence: PersistenceBackend
    ) -> None:
        for record_id, second in [("e-1", 10), ("e-3", 20), ("e-2", 20), ("e-4", 5)]:
            await persistence.executions.create(execution(id=record_id, created_at=at(second)))
        page = await persistence.executions.query(ExecutionQuery())
        assert [r.id for r in page.items] == ["e-3", "e-2", "e-1", "e-4"]

    async def test_execution_query_paginates_and_counts_every_match(
        self, persistence: PersistenceBackend
    ) -> None:
        for n in range(7):
            await persistence.executions.create(execution(id=f"e-{n}", created_at=at(n)))
        first = await persistence.executions.query(ExecutionQuery(limit=3, offset=0))
        second = await persistence.executions.query(ExecutionQuery(limit=3, offset=3))
        last = await persistence.executions.query(ExecutionQuery(limit=3, offset=6))
        beyond = await persistence.executions.query(ExecutionQuery(limit=3, offset=10))
        assert [r.id for r in first.items] == ["e-6", "e-5", "e-4"]
        assert [r.id for r in second.items] == ["e-3", "e-2", "e-1"]
        assert [r.id for r in last.items] == ["e-0"]
        assert list(beyond.items) == []
        assert {p.total for p in (first, second, last, beyond)} == {7}
        assert (second.limit, second.offset) == (3, 3)

    async def test_execution_query_without_matches_is_empty(
        self, persistence: PersistenceBackend
    ) -> None:
        await persistence.executions.create(execution())
        page = await persistence.executions.query(ExecutionQuery(agent_id="nobody"))
        assert (list(page.items), page.total) == ([], 0)

    # ------------------------------------------------------------------ events

    async def test_execution_append_events_assigns_seq_from_one_in_order(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution()
        await persistence.executions.create(record)
        stored = await persistence.executions.append_events(record.id, [_event(1), _event(2)])
        more = await persistence.executions.append_events(record.id, [_event(3)])
        assert [e.seq for e in stored] == [1, 2]
        assert [e.seq for e in more] == [3]
        assert all(e.execution_id == record.id for e in [*stored, *more])
        assert [e.data["n"] for e in [*stored, *more]] == [1, 2, 3]
        assert [(e.type, e.at) for e in stored] == [
            (EventType.MODEL_DELTA, at(1)),
            (EventType.MODEL_DELTA, at(2)),
        ]
        assert await persistence.executions.list_events(record.id) == [*stored, *more]

    async def test_execution_event_seq_is_per_execution(
        self, persistence: PersistenceBackend
    ) -> None:
        first, second = execution(), execution()
        await persistence.executions.create(first)
        await persistence.executions.create(second)
        await persistence.executions.append_events(first.id, [_event(1), _event(2)])
        stored = await persistence.executions.append_events(second.id, [_event(1)])
        assert [e.seq for e in stored] == [1]

    async def test_execution_append_no_events_returns_empty(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution()
        await persistence.executions.create(record)
        assert await persistence.executions.append_events(record.id, []) == []
        assert await persistence.executions.list_events(record.id) == []

    async def test_execution_append_events_unknown_id_raises_not_found(
        self, persistence: PersistenceBackend
    ) -> None:
        with pytest.raises(ExecutionNotFoundError, match="no-such-execution"):
            await persistence.executions.append_events("no-such-execution", [_event(1)])

    async def test_execution_list_events_resumes_after_seq(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution()
        await persistence.executions.create(record)
        await persistence.executions.append_events(record.id, [_event(n) for n in range(1, 6)])
        resumed = await persistence.executions.list_events(record.id, after_seq=3)
        assert [e.seq for e in resumed] == [4, 5]
        assert await persistence.executions.list_events(record.id, after_seq=5) == []

    async def test_execution_list_events_unknown_id_is_empty(
        self, persistence: PersistenceBackend
    ) -> None:
        assert await persistence.executions.list_events("no-such-execution") == []

    async def test_execution_concurrent_appends_leave_no_gaps(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution()
        await persistence.executions.create(record)
        batches = await asyncio.gather(
            *(
                persistence.executions.append_events(record.id, [_event(n), _event(n)])
                for n in range(10)
            )
        )
        for batch in batches:  # each batch is appended as one contiguous run
            assert batch[1].seq == batch[0].seq + 1
        events = await persistence.executions.list_events(record.id)
        assert [e.seq for e in events] == list(range(1, 21))
        assert sorted(e.seq for batch in batches for e in batch) == list(range(1, 21))
