"""Contract of InstanceStore: leases, orphans and take-overs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from agent_gateway_core.domain.events import EventType, NewEvent
from agent_gateway_core.domain.execution import ExecutionStatus, StopReason
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.errors import ExecutionNotFoundError, InvalidTransitionError
from agent_gateway_core.ports.persistence import PersistenceBackend, Takeover
from agent_gateway_testing.contracts.persistence.base import PersistenceFixture
from agent_gateway_testing.contracts.persistence.records import at, execution

DEAD, ALIVE, ME = "inst-dead", "inst-alive", "inst-me"


def _takeover(**fields: Any) -> Takeover:
    values: dict[str, Any] = {
        "owner": DEAD,
        "from_status": ExecutionStatus.RUNNING,
        "status": ExecutionStatus.FAILED,
        "at": at(100),
    }
    return Takeover(**(values | fields))


def _event(n: int) -> NewEvent:
    return NewEvent(type=EventType.FAILED, at=at(n), data={"n": n})


class InstanceStoreContract(PersistenceFixture):
    """Every sentence of the InstanceStore docstring, against ``persistence.instances``."""

    async def _leases(self, persistence: PersistenceBackend) -> None:
        """``DEAD``'s lease ran out at 50 s, ``ALIVE``'s and ``ME``'s run until 1000 s."""
        await persistence.instances.heartbeat(DEAD, at(50))
        await persistence.instances.heartbeat(ALIVE, at(1000))
        await persistence.instances.heartbeat(ME, at(1000))

    # ------------------------------------------------------------------ leases

    async def test_instance_heartbeat_creates_a_lease_live_until_it_expires(
        self, persistence: PersistenceBackend
    ) -> None:
        await persistence.instances.heartbeat("inst-a", at(10))
        assert await persistence.instances.live(at(9)) == ["inst-a"]
        assert await persistence.instances.live(at(10)) == []  # expires_at > now, strictly
        assert await persistence.instances.live(at(11)) == []

    async def test_instance_heartbeat_moves_the_expiry_later_or_earlier(
        self, persistence: PersistenceBackend
    ) -> None:
        await persistence.instances.heartbeat("inst-a", at(10))
        await persistence.instances.heartbeat("inst-a", at(30))
        assert await persistence.instances.live(at(20)) == ["inst-a"]
        await persistence.instances.heartbeat("inst-a", at(15))
        assert await persistence.instances.live(at(20)) == []

    async def test_instance_live_lists_the_live_ids_sorted(
        self, persistence: PersistenceBackend
    ) -> None:
        for instance_id in ("inst-c", "inst-a", "inst-b"):
            await persistence.instances.heartbeat(instance_id, at(10))
        await persistence.instances.heartbeat("inst-gone", at(1))
        assert await persistence.instances.live(at(5)) == ["inst-a", "inst-b", "inst-c"]

    async def test_instance_release_removes_the_lease(
        self, persistence: PersistenceBackend
    ) -> None:
        await persistence.instances.heartbeat("inst-a", at(10))
        await persistence.instances.heartbeat("inst-b", at(10))
        await persistence.instances.release("inst-a")
        assert await persistence.instances.live(at(5)) == ["inst-b"]

    async def test_instance_release_of_an_unknown_id_is_a_no_op(
        self, persistence: PersistenceBackend
    ) -> None:
        await persistence.instances.release("inst-never-seen")
        assert await persistence.instances.live(at(0)) == []

    # ------------------------------------------------------------------ orphans

    async def test_instance_orphans_are_the_unfinished_executions_of_dead_owners(
        self, persistence: PersistenceBackend
    ) -> None:
        await self._leases(persistence)
        store = persistence.executions
        orphans = [
            execution(id="o-running", status=ExecutionStatus.RUNNING, owner=DEAD),
            execution(id="o-queued", status=ExecutionStatus.QUEUED, owner=DEAD),
            execution(id="o-no-lease", status=ExecutionStatus.RUNNING, owner="inst-unknown"),
        ]
        others = [
            execution(id="live-owner", status=ExecutionStatus.RUNNING, owner=ALIVE),
            execution(id="no-owner", status=ExecutionStatus.RUNNING),
            execution(id="finished", status=ExecutionStatus.FAILED, owner=DEAD),
            execution(id="cancelled", status=ExecutionStatus.CANCELLED, owner=DEAD),
        ]
        for record in [*orphans, *others]:
            await store.create(record)
        found = await persistence.instances.orphans(at(60))
        assert sorted(r.id for r in found) == ["o-no-lease", "o-queued", "o-running"]
        assert {r.id: r for r in found}["o-running"] == orphans[0]  # the whole record

    async def test_instance_orphans_are_none_while_the_owner_is_live(
        self, persistence: PersistenceBackend
    ) -> None:
        await self._leases(persistence)
        await persistence.executions.create(execution(status=ExecutionStatus.RUNNING, owner=DEAD))
        assert await persistence.instances.orphans(at(49)) == []
        assert len(await persistence.instances.orphans(at(50))) == 1

    async def test_instance_orphans_oldest_first_then_by_id_at_most_limit(
        self, persistence: PersistenceBackend
    ) -> None:
        for record_id, second in [("e-2", 20), ("e-1", 10), ("e-4", 20), ("e-3", 20)]:
            await persistence.executions.create(
                execution(
                    id=record_id,
                    status=ExecutionStatus.RUNNING,
                    owner=DEAD,
                    created_at=at(second),
                )
            )
        every = await persistence.instances.orphans(at(60))
        assert [r.id for r in every] == ["e-1", "e-2", "e-3", "e-4"]
        first = await persistence.instances.orphans(at(60), limit=2)
        assert [r.id for r in first] == ["e-1", "e-2"]

    # ------------------------------------------------------------------ take-overs

    async def test_instance_take_over_ends_a_run_with_its_outcome_and_events(
        self, persistence: PersistenceBackend
    ) -> None:
        await self._leases(persistence)
        record = execution(
            status=ExecutionStatus.RUNNING, owner=DEAD, started_at=at(1), job_payload=None
        )
        await persistence.executions.create(record)
        await persistence.executions.append_events(
            record.id, [NewEvent(type=EventType.STARTED, at=at(1))]
        )
        usage = Usage(input_tokens=5, output_tokens=2, llm_calls=1)
        updated = await persistence.instances.take_over(
            record.id,
            _takeover(
                error="gateway stopped", stop_reason=StopReason.ERROR, usage=usage, raw_text="hal"
            ),
            [_event(100)],
        )
        assert updated.status is ExecutionStatus.FAILED
        assert (updated.started_at, updated.finished_at) == (at(1), at(100))
        assert (updated.error, updated.stop_reason) == ("gateway stopped", StopReason.ERROR)
        assert (updated.usage, updated.raw_text) == (usage, "hal")
        assert updated.owner == DEAD  # kept: the instance that ran it
        assert await persistence.executions.get(record.id) == updated
        events = await persistence.executions.list_events(record.id)
        assert [(e.seq, e.type) for e in events] == [(1, EventType.STARTED), (2, EventType.FAILED)]
        more = await persistence.executions.append_events(record.id, [_event(101)])
        assert [e.seq for e in more] == [3]

    @pytest.mark.parametrize("source", [ExecutionStatus.RUNNING, ExecutionStatus.QUEUED])
    async def test_instance_take_over_hands_back_as_queued_under_a_new_owner(
        self, persistence: PersistenceBackend, source: ExecutionStatus
    ) -> None:
        await self._leases(persistence)
        started = at(1) if source is ExecutionStatus.RUNNING else None
        record = execution(
            status=source, owner=DEAD, started_at=started, job_payload={"options": {}}
        )
        await persistence.executions.create(record)
        updated = await persistence.instances.take_over(
            record.id,
            _takeover(from_status=source, status=ExecutionStatus.QUEUED, new_owner=ME),
        )
        assert updated.status is ExecutionStatus.QUEUED
        # started_at kept: it tells the re-run that an earlier run started.
        assert (updated.owner, updated.started_at, updated.finished_at) == (ME, started, None)
        assert updated.job_payload == {"options": {}}
        assert updated.model_dump(exclude={"status", "owner"}) == record.model_dump(
            exclude={"status", "owner"}
        )
        assert await persistence.instances.orphans(at(60)) == []

    async def test_instance_take_over_leaves_unset_fields_unchanged(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution(
            status=ExecutionStatus.RUNNING, owner=DEAD, raw_text="so far", error="earlier"
        )
        await persistence.executions.create(record)
        updated = await persistence.instances.take_over(
            record.id, _takeover(status=ExecutionStatus.CANCELLED)
        )
        assert (updated.raw_text, updated.error, updated.usage) == ("so far", "earlier", Usage())

    async def test_instance_take_over_is_refused_while_the_owner_is_live(
        self, persistence: PersistenceBackend
    ) -> None:
        await self._leases(persistence)
        record = execution(status=ExecutionStatus.RUNNING, owner=ALIVE)
        await persistence.executions.create(record)
        with pytest.raises(InvalidTransitionError):
            await persistence.instances.take_over(record.id, _takeover(owner=ALIVE), [_event(1)])
        assert await persistence.executions.get(record.id) == record
        assert await persistence.executions.list_events(record.id) == []
        # The lease is judged at ``at``: the same take-over once it ran out goes through.
        late = _takeover(owner=ALIVE, at=at(1000))
        assert (await persistence.instances.take_over(record.id, late)).status is (
            ExecutionStatus.FAILED
        )

    @pytest.mark.parametrize(
        "record_fields",
        [
            {"status": ExecutionStatus.RUNNING, "owner": "inst-other-dead"},
            {"status": ExecutionStatus.RUNNING, "owner": None},
            {"status": ExecutionStatus.QUEUED, "owner": DEAD},
            {"status": ExecutionStatus.SUCCEEDED, "owner": DEAD},
        ],
        ids=["other-owner", "no-owner", "other-status", "finished"],
    )
    async def test_instance_take_over_is_refused_when_the_record_moved_on(
        self, persistence: PersistenceBackend, record_fields: dict[str, Any]
    ) -> None:
        await self._leases(persistence)
        record = execution(**record_fields)
        await persistence.executions.create(record)
        with pytest.raises(InvalidTransitionError, match=record.id):
            await persistence.instances.take_over(record.id, _takeover(), [_event(1)])
        assert await persistence.executions.get(record.id) == record
        assert await persistence.executions.list_events(record.id) == []

    async def test_instance_take_over_of_an_unknown_id_raises_not_found(
        self, persistence: PersistenceBackend
    ) -> None:
        with pytest.raises(ExecutionNotFoundError, match="no-such-execution"):
            await persistence.instances.take_over("no-such-execution", _takeover(), [_event(1)])

    @pytest.mark.parametrize(
        ("source", "target"),
        [
            (ExecutionStatus.RUNNING, ExecutionStatus.RUNNING),
            (ExecutionStatus.QUEUED, ExecutionStatus.RUNNING),
            (ExecutionStatus.QUEUED, ExecutionStatus.SUCCEEDED),
            (ExecutionStatus.FAILED, ExecutionStatus.QUEUED),
        ],
        ids=lambda status: status.value,
    )
    async def test_instance_take_over_refuses_a_move_no_take_over_makes(
        self, persistence: PersistenceBackend, source: ExecutionStatus, target: ExecutionStatus
    ) -> None:
        record = execution(status=source, owner=DEAD)
        await persistence.executions.create(record)
        with pytest.raises(ValueError, match=target.value):
            await persistence.instances.take_over(
                record.id, _takeover(from_status=source, status=target)
            )
        assert await persistence.executions.get(record.id) == record

    async def test_instance_concurrent_take_overs_exactly_one_wins(
        self, persistence: PersistenceBackend
    ) -> None:
        record = execution(status=ExecutionStatus.RUNNING, owner=DEAD)
        await persistence.executions.create(record)
        moves = [
            _takeover(status=ExecutionStatus.QUEUED, new_owner=f"inst-{n}") for n in range(3)
        ] + [_takeover(status=ExecutionStatus.FAILED), _takeover(status=ExecutionStatus.CANCELLED)]
        outcomes = await asyncio.gather(
            *(
                persistence.instances.take_over(record.id, move, [_event(n)])
                for n, move in enumerate(moves)
            ),
            return_exceptions=True,
        )
        winners = [o for o in outcomes if not isinstance(o, BaseException)]
        assert len(winners) == 1
        assert all(
            isinstance(o, InvalidTransitionError) for o in outcomes if isinstance(o, BaseException)
        )
        assert await persistence.executions.get(record.id) == winners[0]
        events = await persistence.executions.list_events(record.id)
        assert len(events) == 1
        assert moves[events[0].data["n"]].status is winners[0].status
